#include "support/loopback.hpp"

#include <asio.hpp>
#include <stdexcept>

namespace netlab::test {

struct raw_connection::impl {
    asio::io_context io;
    asio::ip::tcp::socket socket{io};
    std::string pending;  // received but not yet returned
    bool eof = false;

    // One read with a deadline: runs the io_context until the read or the timer ends.
    bool read_some(std::chrono::milliseconds timeout) {
        if (eof) return false;
        char buf[65536];
        std::size_t got = 0;
        std::error_code read_ec;
        bool done = false;
        asio::steady_timer timer(io, timeout);
        socket.async_read_some(asio::buffer(buf), [&](std::error_code ec, std::size_t n) {
            read_ec = ec;
            got = n;
            done = true;
            timer.cancel();
        });
        timer.async_wait([&](std::error_code ec) {
            if (!ec) socket.cancel();
        });
        io.restart();
        io.run();
        pending.append(buf, got);
        if (read_ec && read_ec != asio::error::operation_aborted) eof = true;
        return done && !read_ec;
    }
};

raw_connection::raw_connection(unsigned short port) : impl_(std::make_unique<impl>()) {
    impl_->socket.connect({asio::ip::make_address("127.0.0.1"), port});
}

raw_connection::~raw_connection() = default;

unsigned short raw_connection::local_port() const { return impl_->socket.local_endpoint().port(); }

std::string raw_connection::client() const { return "127.0.0.1:" + std::to_string(local_port()); }

void raw_connection::send(std::string_view bytes) { asio::write(impl_->socket, asio::buffer(bytes)); }

std::string raw_connection::read_until(std::string_view marker, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (const auto pos = impl_->pending.find(marker); pos != std::string::npos) {
            std::string out = impl_->pending.substr(0, pos + marker.size());
            impl_->pending.erase(0, pos + marker.size());
            return out;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0 || !impl_->read_some(left)) {
            if (left.count() <= 0 || impl_->eof) return std::exchange(impl_->pending, {});
        }
    }
}

std::string raw_connection::read_exactly(std::size_t n, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (impl_->pending.size() < n) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) break;
        if (!impl_->read_some(left) && impl_->eof) break;
    }
    std::string out = impl_->pending.substr(0, n);
    impl_->pending.erase(0, out.size());
    return out;
}

bool raw_connection::closed_by_peer(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!impl_->eof) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        impl_->read_some(left);
    }
    return true;
}

std::string raw_connection::read_response(std::chrono::milliseconds timeout) {
    std::string head = read_until("\r\n\r\n", timeout);
    std::size_t length = 0;
    std::string lower;
    for (char c : head) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (const auto p = lower.find("\r\ncontent-length:"); p != std::string::npos)
        length = std::stoul(head.substr(p + 17));
    const bool no_body = head.rfind("HTTP/1.1 304", 0) == 0 || head.rfind("HTTP/1.1 204", 0) == 0 ||
                         head.rfind("HTTP/1.1 1", 0) == 0;
    return no_body ? head : head + read_exactly(length, timeout);
}

std::string exchange(unsigned short port, std::string_view request, std::chrono::milliseconds timeout) {
    raw_connection c(port);
    c.send(request);
    return c.read_exactly(std::string::npos, timeout);  // until the server closes or the deadline
}

}  // namespace netlab::test
