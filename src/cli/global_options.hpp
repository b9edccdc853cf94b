// Options every subcommand honours; accepted before or after the subcommand name.
#pragma once

#include "netlab/platform/terminal.hpp"

namespace netlab::cli {

struct global_options {
    bool json = false;   // one JSON object per line on stdout
    platform::color_mode color = platform::color_mode::automatic;
    bool quiet = false;  // only errors and requested output
    int verbose = 0;     // -v, -vv: more detail
    bool trace = false;  // print each socket-API step
};

}  // namespace netlab::cli
