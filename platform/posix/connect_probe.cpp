#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

#include "netlab/platform/connect_probe.hpp"

namespace netlab::platform {

// BSD stacks answer a RST to a SYN at once and report ICMP errors to connect(); the
// probe's deadline is enforced by the caller.
probe_options set_connect_probe_options(native_socket, std::chrono::milliseconds) { return {}; }

bool connect_settled(native_socket s) {
    pollfd p{};
    p.fd = static_cast<int>(s);
    p.events = POLLOUT;
    return ::poll(&p, 1, 0) > 0 && p.revents != 0;
}

namespace {

int pending_error(int fd) {
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return errno;
    return err;
}

}  // namespace

connect_progress connect_answer(native_socket s, std::error_code& answer) {
    const int fd = static_cast<int>(s);
    // SO_ERROR first: a refusal (the common answer) needs no second call.
    if (const int err = pending_error(fd); err != 0) {
        answer = {err, std::system_category()};
        return connect_progress::answered;
    }
    pollfd p{};
    p.fd = fd;
    p.events = POLLOUT;
    if (::poll(&p, 1, 0) <= 0 || p.revents == 0) return connect_progress::in_progress;
    if ((p.revents & (POLLERR | POLLHUP)) != 0) {
        // The failure arrived between the two calls.
        const int err = pending_error(fd);
        answer = {err != 0 ? err : ECONNABORTED, std::system_category()};
        return connect_progress::answered;
    }
    answer.clear();
    return connect_progress::answered;
}

connect_progress start_connect(native_socket s, const void* address, std::size_t length, std::error_code& answer) {
    if (::connect(static_cast<int>(s), static_cast<const sockaddr*>(address), static_cast<socklen_t>(length)) == 0) {
        answer.clear();
        return connect_progress::answered;
    }
    if (errno != EINPROGRESS && errno != EINTR) {
        answer = {errno, std::system_category()};
        return connect_progress::answered;
    }
    return connect_answer(s, answer);
}

std::error_code prepare_reconnect(native_socket s) {
#if defined(__linux__)
    sockaddr unspec{};
    unspec.sa_family = AF_UNSPEC;
    if (::connect(static_cast<int>(s), &unspec, sizeof unspec) != 0) return {errno, std::system_category()};
    return {};
#else
    (void)s;
    return std::make_error_code(std::errc::operation_not_supported);
#endif
}

}  // namespace netlab::platform
