#include <windows.h>

#include <csignal>

#include "netlab/platform/process.hpp"
#include "netlab/platform/terminal.hpp"

namespace netlab::platform {

void init_process() {
    // File names and listings are UTF-8 throughout; make the console show them as such.
    SetConsoleOutputCP(CP_UTF8);
    enable_ansi(std_stream::out);
    enable_ansi(std_stream::err);
}

std::vector<int> stop_signals() { return {SIGINT, SIGTERM, SIGBREAK}; }

std::string_view os_name() { return "windows"; }

std::string_view io_backend() { return "IOCP"; }

}  // namespace netlab::platform
