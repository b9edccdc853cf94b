// Options every subcommand honours; accepted before or after the subcommand name.
#pragma once

#include <array>
#include <string_view>

#include "netlab/platform/terminal.hpp"

namespace netlab::cli {

struct global_options {
    bool json = false;   // one JSON object per line on stdout
    platform::color_mode color = platform::color_mode::automatic;
    bool quiet = false;  // only errors and requested output
    int verbose = 0;     // -v, -vv: more detail
    bool trace = false;  // print each socket-API step
};

// The words --color takes: one table for its help, its check and (later) completion.
struct color_word {
    std::string_view word;
    platform::color_mode mode;
};
inline constexpr std::array<color_word, 3> color_words{{
    {"auto", platform::color_mode::automatic},
    {"always", platform::color_mode::always},
    {"never", platform::color_mode::never},
}};

}  // namespace netlab::cli
