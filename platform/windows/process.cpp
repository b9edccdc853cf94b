#include <windows.h>

#include <csignal>
#include <cstdint>

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

void restart_calls_interrupted_by(int) {}  // Windows interrupts no call with EINTR

bool calls_restart_after(int) { return true; }

std::string_view os_name() { return "windows"; }

bool running_under_wine() {
    const HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    return ntdll != nullptr && GetProcAddress(ntdll, "wine_get_version") != nullptr;
}

std::string_view io_backend() { return "IOCP"; }

namespace {

// FILETIME counts 100 ns units.
std::chrono::nanoseconds as_duration(const FILETIME& f) {
    const auto units = (static_cast<std::uint64_t>(f.dwHighDateTime) << 32) | f.dwLowDateTime;
    return std::chrono::nanoseconds(static_cast<std::int64_t>(units * 100));
}

}  // namespace

std::chrono::nanoseconds cpu_time() {
    FILETIME created, exited, kernel, user;
    if (!GetProcessTimes(GetCurrentProcess(), &created, &exited, &kernel, &user)) return {};
    return as_duration(kernel) + as_duration(user);
}

std::chrono::nanoseconds thread_cpu_time() {
    FILETIME created, exited, kernel, user;
    if (!GetThreadTimes(GetCurrentThread(), &created, &exited, &kernel, &user)) return {};
    return as_duration(kernel) + as_duration(user);
}

system_cpu_times system_cpu() {
    FILETIME idle, kernel, user;
    if (!GetSystemTimes(&idle, &kernel, &user)) return {};
    const auto seconds = [](const FILETIME& f) { return std::chrono::duration<double>(as_duration(f)); };
    return {seconds(idle), seconds(kernel) + seconds(user)};  // kernel time includes idle
}

}  // namespace netlab::platform
