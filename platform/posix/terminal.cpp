#include <sys/ioctl.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <string_view>

#include "netlab/platform/terminal.hpp"

namespace netlab::platform {
namespace {

int fd_of(std_stream s) { return s == std_stream::out ? STDOUT_FILENO : STDERR_FILENO; }

}  // namespace

bool is_terminal(std_stream s) { return ::isatty(fd_of(s)) == 1; }

bool input_is_terminal() { return ::isatty(STDIN_FILENO) == 1; }

std::optional<int> terminal_width(std_stream s) {
    if (!is_terminal(s)) return std::nullopt;
    winsize ws{};
    if (::ioctl(fd_of(s), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return static_cast<int>(ws.ws_col);
    if (const char* cols = std::getenv("COLUMNS")) {
        int n = 0;
        const std::string_view text(cols);
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (ec == std::errc() && end == text.data() + text.size() && n > 0) return n;
    }
    return 80;
}

bool enable_ansi(std_stream) { return true; }  // every POSIX terminal understands ANSI

}  // namespace netlab::platform
