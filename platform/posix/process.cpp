#include <sys/resource.h>

#include <csignal>

#include "netlab/platform/process.hpp"

namespace netlab::platform {

void init_process() {
    // A write to a socket the peer closed must return EPIPE to the coroutine that made it,
    // not end the whole server.
    std::signal(SIGPIPE, SIG_IGN);
}

std::vector<int> stop_signals() { return {SIGINT, SIGTERM}; }

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

}  // namespace netlab::platform
