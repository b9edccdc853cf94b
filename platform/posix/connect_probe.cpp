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

connect_progress failed(int err, std::error_code& answer) {
    answer = {err, std::system_category()};
    return connect_progress::answered;
}

#if defined(__linux__)

// Linux answers a connect() repeated to the same address with the first one's outcome:
// 0 or EISCONN once connected, EALREADY while the SYN waits, the failure (ECONNREFUSED,
// ETIMEDOUT, EHOSTUNREACH, ...) once it failed; reporting the failure also dissolves
// the association, so the socket can connect again at once. One call per answer where
// SO_ERROR plus connect(AF_UNSPEC) would take two.
connect_progress ask_again(int fd, const void* address, std::size_t length, std::error_code& answer) {
    if (::connect(fd, static_cast<const sockaddr*>(address), static_cast<socklen_t>(length)) == 0 || errno == EISCONN) {
        answer.clear();
        return connect_progress::answered;
    }
    if (errno == EALREADY || errno == EINPROGRESS || errno == EINTR) return connect_progress::in_progress;
    return failed(errno, answer);
}

#else

int pending_error(int fd) {
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return errno;
    return err;
}

// SO_ERROR first: a refusal (the common answer) needs no second call.
connect_progress ask_again(int fd, const void*, std::size_t, std::error_code& answer) {
    if (const int err = pending_error(fd); err != 0) return failed(err, answer);
    pollfd p{};
    p.fd = fd;
    p.events = POLLOUT;
    if (::poll(&p, 1, 0) <= 0 || p.revents == 0) return connect_progress::in_progress;
    if ((p.revents & (POLLERR | POLLHUP)) != 0) {
        // The failure arrived between the two calls.
        const int err = pending_error(fd);
        return failed(err != 0 ? err : ECONNABORTED, answer);
    }
    answer.clear();
    return connect_progress::answered;
}

#endif

}  // namespace

connect_progress connect_answer(native_socket s, const void* address, std::size_t length, std::error_code& answer) {
    return ask_again(static_cast<int>(s), address, length, answer);
}

connect_progress start_connect(native_socket s, const void* address, std::size_t length, std::error_code& answer) {
    if (::connect(static_cast<int>(s), static_cast<const sockaddr*>(address), static_cast<socklen_t>(length)) == 0) {
        answer.clear();
        return connect_progress::answered;
    }
    if (errno != EINPROGRESS && errno != EINTR) return failed(errno, answer);
    return connect_answer(s, address, length, answer);
}

bool reconnects_after_refusal() {
#if defined(__linux__)
    return true;
#else
    return false;
#endif
}

}  // namespace netlab::platform
