#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#if defined(__linux__)
#include <sys/sendfile.h>
#endif

#include <asio/experimental/deferred.hpp>
#include <asio/experimental/parallel_group.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <cerrno>

#include "common/socket_record.hpp"
#include "netlab/platform/send_file.hpp"
#include "netlab/platform/trace.hpp"

namespace netlab::platform {
namespace {

// One non-blocking sendfile() call; returns bytes sent, 0 with `again` when the socket
// buffer is full.
std::uint64_t send_some(int sock, int fd, std::uint64_t offset, std::uint64_t count, bool& again,
                        std::error_code& ec) {
    again = false;
    // Bounded per call so one big file cannot hold the thread from other connections
    // (nginx's sendfile_max_chunk is the same 2 MiB).
    constexpr std::uint64_t max_chunk = 2u << 20;
    const std::uint64_t want = count < max_chunk ? count : max_chunk;
#if defined(__linux__)
    off_t off = static_cast<off_t>(offset);
    const ssize_t n = ::sendfile(sock, fd, &off, static_cast<size_t>(want));
    if (n >= 0) return static_cast<std::uint64_t>(n);
    const int err = errno;
    const std::uint64_t sent = 0;
#else
    // macOS/BSD: sendfile(file, socket, offset, &len, hdtr, flags); on EAGAIN `len`
    // still says how much went out.
    off_t len = static_cast<off_t>(want);
    const int rc = ::sendfile(fd, sock, static_cast<off_t>(offset), &len, nullptr, 0);
    if (rc == 0) return static_cast<std::uint64_t>(len);
    const int err = errno;
    const std::uint64_t sent = static_cast<std::uint64_t>(len);
#endif
    if (err == EAGAIN || err == EWOULDBLOCK || err == EINTR) {
        again = true;
        return sent;
    }
    ec.assign(err, std::system_category());
    return sent;
}

// Until the socket is writable, or `patience` has passed (false, no error), or the socket
// is closed under us (a timeout, shutdown: false with the error, at once; `||` would wait
// for the timer, since it waits for one to succeed).
asio::awaitable<bool> wait_writable(asio::ip::tcp::socket& socket, std::chrono::milliseconds patience,
                                    std::error_code& ec) {
    asio::steady_timer timer(socket.get_executor(), patience);
    // The other is cancelled, and both have ended before this goes on.
    const auto [order, wait_ec, timer_ec] =
        co_await asio::experimental::make_parallel_group(socket.async_wait(asio::socket_base::wait_write, asio::experimental::deferred),
                                                         timer.async_wait(asio::experimental::deferred))
            .async_wait(asio::experimental::wait_for_one(), asio::use_awaitable);
    (void)timer_ec;
    if (order[0] != 0) co_return false;
    ec = wait_ec;
    co_return !wait_ec;
}

}  // namespace

asio::awaitable<send_file_result> send_file(asio::ip::tcp::socket& socket, const read_only_file& file,
                                            std::uint64_t offset, std::uint64_t count,
                                            std::chrono::milliseconds patience) {
    send_file_result result;
    std::error_code ec;
    // Set once per connection: asio asks the kernel (ioctl FIONBIO) on every call that sets it.
    if (!socket.native_non_blocking()) socket.native_non_blocking(true, ec);
    if (ec) {
        result.error = ec;
        co_return result;
    }
    const int sock = socket.native_handle();
    const int fd = static_cast<int>(file.handle());
    bool waited = false;
    while (result.bytes < count) {
        bool again = false;
        const std::uint64_t n = send_some(sock, fd, offset + result.bytes, count - result.bytes, again, ec);
        result.bytes += n;
        if (ec) break;
        if (n == 0 && !again) {
            result.file_ended = true;
            break;
        }
        if (!again) continue;
        // Full: report progress first; else wait once, patiently, and try once more.
        if (result.bytes > 0 || waited) break;
        waited = true;
        co_await wait_writable(socket, patience, ec);
        if (ec) break;
    }
    result.error = ec;
    if (tracing_enabled()) {
        auto r = detail::socket_record(trace_step::sendfile, socket, ec);
        r.bytes = static_cast<std::int64_t>(result.bytes);
        r.detail = "zero-copy";
        emit_trace(r);
    }
    co_return result;
}

}  // namespace netlab::platform
