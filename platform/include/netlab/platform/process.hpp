// Process-wide set-up and facts about the OS, done once at start-up.
#pragma once

#include <chrono>
#include <string_view>
#include <vector>

namespace netlab::platform {

// Ignore SIGPIPE on POSIX (a write to a closed socket must fail with EPIPE, not kill us);
// on Windows switch the console to UTF-8 output and ANSI (VT) escape processing.
void init_process();

// The signals that ask a server to stop: SIGINT and SIGTERM; on Windows also SIGBREAK
// (Ctrl-Break), since console control events arrive as these through the C runtime.
std::vector<int> stop_signals();

// For a signal whose handler is installed (asio's signal_set installs its own without
// SA_RESTART): system calls it interrupts are restarted instead of failing with EINTR, so
// Ctrl-C never cuts a write to a blocked stdout short (the C library would drop the line:
// fwrite keeps no unwritten bytes after an error). Nothing to do on Windows (no EINTR).
void restart_calls_interrupted_by(int signal);
// True when calls interrupted by `signal` are restarted (SA_RESTART); true on Windows.
bool calls_restart_after(int signal);

// "linux", "macos", "windows", ...
std::string_view os_name();

// True when this Windows program runs under Wine (ntdll exports wine_get_version), which
// differs from Windows in a few behaviours that tests meet (the source address of a UDP
// reply); always false on POSIX.
bool running_under_wine();

// The readiness/completion mechanism asio uses here: "epoll", "kqueue", "IOCP", ...
std::string_view io_backend();

// CPU time this process has used so far, user and system together (for cost-per-unit
// figures such as CPU time per datagram sent).
std::chrono::nanoseconds cpu_time();

// CPU time the calling thread has used so far, user and system together (how busy one of
// serve-http's workers is). Windows counts it in scheduler ticks (about 15.6 ms).
std::chrono::nanoseconds thread_cpu_time();

// The machine's CPU time since boot, summed over all cores, and how much of it was idle:
// sampled twice, the difference says how many cores were busy in between, with whatever
// process. Both zero where the OS does not tell (then nothing is known about other load).
// In seconds as a double: summed over many cores for a long uptime, nanoseconds would
// overflow.
struct system_cpu_times {
    std::chrono::duration<double> idle{0};
    std::chrono::duration<double> total{0};
};
system_cpu_times system_cpu();

}  // namespace netlab::platform
