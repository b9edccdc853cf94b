#include <sys/resource.h>
#include <unistd.h>

#if defined(__APPLE__)
#include <mach/mach.h>
#endif

#include <csignal>
#include <cstdint>
#include <ctime>
#include <fstream>
#include <string>

#include "netlab/platform/process.hpp"

namespace netlab::platform {

void init_process() {
    // A write to a socket the peer closed must return EPIPE to the coroutine that made it,
    // not end the whole server.
    std::signal(SIGPIPE, SIG_IGN);
}

std::vector<int> stop_signals() { return {SIGINT, SIGTERM}; }

void restart_calls_interrupted_by(int signal) {
    struct sigaction sa {};
    if (::sigaction(signal, nullptr, &sa) != 0) return;
    if (sa.sa_handler == SIG_DFL || sa.sa_handler == SIG_IGN || (sa.sa_flags & SA_RESTART) != 0) return;
    sa.sa_flags |= SA_RESTART;
    ::sigaction(signal, &sa, nullptr);
}

bool calls_restart_after(int signal) {
    struct sigaction sa {};
    return ::sigaction(signal, nullptr, &sa) == 0 && (sa.sa_flags & SA_RESTART) != 0;
}

std::string_view os_name() {
#if defined(__APPLE__)
    return "macos";
#elif defined(__linux__)
    return "linux";
#elif defined(__FreeBSD__)
    return "freebsd";
#else
    return "posix";
#endif
}

bool running_under_wine() { return false; }

std::string_view io_backend() {
    // The reactor asio selects on each OS (asio/detail/reactor.hpp).
#if defined(__linux__)
    return "epoll";
#elif defined(__APPLE__) || defined(__FreeBSD__) || defined(__NetBSD__) || defined(__OpenBSD__)
    return "kqueue";
#else
    return "select";
#endif
}

std::chrono::nanoseconds cpu_time() {
    rusage u{};
    ::getrusage(RUSAGE_SELF, &u);
    const auto us = [](const timeval& t) { return std::chrono::seconds(t.tv_sec) + std::chrono::microseconds(t.tv_usec); };
    return us(u.ru_utime) + us(u.ru_stime);
}

std::chrono::nanoseconds thread_cpu_time() {
    timespec t{};
    if (::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t) != 0) return {};
    return std::chrono::seconds(t.tv_sec) + std::chrono::nanoseconds(t.tv_nsec);
}

system_cpu_times system_cpu() {
#if defined(__APPLE__) || defined(__linux__)
    const long hz = ::sysconf(_SC_CLK_TCK);
    if (hz <= 0) return {};
    const auto seconds = [hz](unsigned long long ticks) {
        return std::chrono::duration<double>(static_cast<double>(ticks) / static_cast<double>(hz));
    };
#endif
#if defined(__APPLE__)
    static const mach_port_t host = ::mach_host_self();  // a send right: taken once, not per call
    host_cpu_load_info_data_t load{};
    mach_msg_type_number_t count = HOST_CPU_LOAD_INFO_COUNT;
    if (::host_statistics(host, HOST_CPU_LOAD_INFO, reinterpret_cast<host_info_t>(&load), &count) != KERN_SUCCESS)
        return {};
    unsigned long long total = 0;
    for (const auto t : load.cpu_ticks) total += t;
    return {seconds(load.cpu_ticks[CPU_STATE_IDLE]), seconds(total)};
#elif defined(__linux__)
    // The first line adds up every core: "cpu user nice system idle iowait irq softirq steal ...";
    // guest time is counted in user already. Waiting for I/O is idle for our purpose.
    std::ifstream stat("/proc/stat");
    std::string label;
    unsigned long long f[8] = {};
    if (!(stat >> label) || label != "cpu") return {};
    for (auto& v : f)
        if (!(stat >> v)) return {};
    unsigned long long total = 0;
    for (const auto v : f) total += v;
    return {seconds(f[3] + f[4]), seconds(total)};
#else
    return {};
#endif
}

}  // namespace netlab::platform
