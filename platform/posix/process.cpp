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

}  // namespace netlab::platform
