#include <cstdlib>

#include "netlab/platform/terminal.hpp"

namespace netlab::platform {

bool should_color(color_mode mode, bool stream_is_terminal, const char* no_color) {
    switch (mode) {
        case color_mode::always: return true;
        case color_mode::never: return false;
        case color_mode::automatic: break;
    }
    // no-color.org: NO_COLOR set to a non-empty value disables colour by default.
    if (no_color != nullptr && no_color[0] != '\0') return false;
    return stream_is_terminal;
}

bool should_color(color_mode mode, std_stream s) {
    const bool wanted = should_color(mode, is_terminal(s), std::getenv("NO_COLOR"));
    // `always` colours even where ANSI cannot be switched on (output piped to `less -R`).
    return wanted && (enable_ansi(s) || mode == color_mode::always);
}

}  // namespace netlab::platform
