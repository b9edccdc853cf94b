// Exit codes common to every subcommand. Subcommands add their own (get keeps curl's
// numbers, listed in its own table); README.md documents both.
#pragma once

#include <array>
#include <string_view>

namespace netlab::cli {

namespace exit_code {
inline constexpr int ok = 0;
inline constexpr int failure = 1;
inline constexpr int usage = 2;
inline constexpr int interrupted = 130;  // 128 + SIGINT, as shells report it
// udp-send --probe only (not common, so not in the table below): the listener answered,
// but what it said is no measurement of the path -- it lost track of the session, or the
// report failed the checks (docs/udp-probe.md, "Trust model").
inline constexpr int no_measurement = 3;
// udp-listen's reader went away (`| head -1`): what shells report for a writer that
// SIGPIPE ended, which is what `head` expects. (netlab ignores SIGPIPE, so it says so itself.)
inline constexpr int reader_gone = 141;  // 128 + SIGPIPE
}  // namespace exit_code

struct exit_code_doc {
    int code;
    std::string_view meaning;
};

inline constexpr std::array<exit_code_doc, 4> common_exit_codes{{
    {exit_code::ok, "success"},
    {exit_code::failure, "failure (network fault, file error, out of memory or descriptors, ...)"},
    {exit_code::usage, "usage error: unknown subcommand or option, bad value"},
    {exit_code::interrupted, "interrupted (Ctrl-C)"},
}};

}  // namespace netlab::cli
