#include <io.h>
#include <windows.h>

#include <cstdio>

#include "netlab/platform/terminal.hpp"

namespace netlab::platform {
namespace {

HANDLE handle_of(std_stream s) {
    return ::GetStdHandle(s == std_stream::out ? STD_OUTPUT_HANDLE : STD_ERROR_HANDLE);
}

}  // namespace

bool is_terminal(std_stream s) {
    // _isatty is true for any character device, NUL included (`> NUL` is not a terminal);
    // only a console answers GetConsoleMode.
    DWORD mode = 0;
    return ::_isatty(::_fileno(s == std_stream::out ? stdout : stderr)) != 0 && ::GetConsoleMode(handle_of(s), &mode) != 0;
}

bool input_is_terminal() {
    DWORD mode = 0;
    return ::_isatty(::_fileno(stdin)) != 0 && ::GetConsoleMode(::GetStdHandle(STD_INPUT_HANDLE), &mode) != 0;
}

std::optional<int> terminal_width(std_stream s) {
    if (!is_terminal(s)) return std::nullopt;
    CONSOLE_SCREEN_BUFFER_INFO info{};
    if (::GetConsoleScreenBufferInfo(handle_of(s), &info))
        return static_cast<int>(info.srWindow.Right - info.srWindow.Left + 1);
    return 80;
}

bool enable_ansi(std_stream s) {
    // Windows 10+ consoles interpret ANSI sequences only with VT processing switched on.
    HANDLE h = handle_of(s);
    DWORD mode = 0;
    if (h == INVALID_HANDLE_VALUE || !::GetConsoleMode(h, &mode)) return false;
    if (mode & ENABLE_VIRTUAL_TERMINAL_PROCESSING) return true;
    return ::SetConsoleMode(h, mode | ENABLE_VIRTUAL_TERMINAL_PROCESSING) != 0;
}

}  // namespace netlab::platform
