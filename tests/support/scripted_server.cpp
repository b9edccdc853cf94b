#include "support/scripted_server.hpp"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/read_until.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/streambuf.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace netlab::test {
namespace {

using asio::ip::tcp;

std::size_t content_length_of(const std::string& head) {
    std::string lower = head;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto at = lower.find("\ncontent-length:");
    if (at == std::string::npos) return 0;
    return static_cast<std::size_t>(std::stoull(head.substr(at + 16)));
}

}  // namespace

step read_request() { return {step::kind::read_request, {}, 0ms}; }
step send(std::string bytes) { return {step::kind::send, std::move(bytes), 0ms}; }
step pause(std::chrono::milliseconds d) { return {step::kind::pause, {}, d}; }
step close_connection() { return {step::kind::close, {}, 0ms}; }
step reset_connection() { return {step::kind::reset, {}, 0ms}; }
step hold() { return {step::kind::hold, {}, 0ms}; }

script reply(std::string bytes) { return {read_request(), send(std::move(bytes)), close_connection()}; }

struct scripted_server::impl {
    asio::io_context ctx;
    tcp::acceptor acceptor{ctx};
    std::vector<script> scripts;
    mutable std::mutex mutex;
    std::condition_variable request_arrived;
    std::vector<std::string> requests;
    int connections = 0;
    std::thread thread;

    asio::awaitable<void> serve(tcp::socket s, script sc) {
        asio::streambuf in;
        for (const auto& st : sc) {
            std::error_code ec;
            switch (st.what) {
                case step::kind::read_request: {
                    const auto n = co_await asio::async_read_until(s, in, "\r\n\r\n",
                                                                   asio::redirect_error(asio::use_awaitable, ec));
                    if (ec) co_return;
                    std::string head(asio::buffers_begin(in.data()), asio::buffers_begin(in.data()) + static_cast<std::ptrdiff_t>(n));
                    in.consume(n);
                    const auto length = content_length_of(head);
                    if (in.size() < length)
                        co_await asio::async_read(s, in, asio::transfer_exactly(length - in.size()),
                                                  asio::redirect_error(asio::use_awaitable, ec));
                    if (ec) co_return;
                    std::string body(asio::buffers_begin(in.data()), asio::buffers_begin(in.data()) + static_cast<std::ptrdiff_t>(length));
                    in.consume(length);
                    {
                        std::lock_guard lock(mutex);
                        requests.push_back(head + body);
                    }
                    request_arrived.notify_all();
                    break;
                }
                case step::kind::send:
                    co_await asio::async_write(s, asio::buffer(st.bytes), asio::redirect_error(asio::use_awaitable, ec));
                    if (ec) co_return;
                    break;
                case step::kind::pause: {
                    asio::steady_timer t(ctx, st.delay);
                    co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
                    break;
                }
                case step::kind::close:
                    s.shutdown(tcp::socket::shutdown_send, ec);
                    // Let the client read everything before the socket goes.
                    {
                        asio::steady_timer t(ctx, 200ms);
                        co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
                    }
                    s.close(ec);
                    co_return;
                case step::kind::reset:
                    s.set_option(asio::socket_base::linger(true, 0), ec);
                    s.close(ec);
                    co_return;
                case step::kind::hold: {
                    asio::steady_timer t(ctx, std::chrono::hours(1));
                    co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
                    co_return;
                }
            }
        }
    }

    // A connection takes its script when its first byte arrives: one that closes without
    // a word (a port scan of another test passing by) takes none and is not counted.
    asio::awaitable<void> first_byte_then_serve(tcp::socket s) {
        std::error_code ec;
        co_await s.async_wait(tcp::socket::wait_read, asio::redirect_error(asio::use_awaitable, ec));
        char byte = 0;
        if (ec || s.receive(asio::buffer(&byte, 1), tcp::socket::message_peek, ec) != 1 || ec) co_return;
        script sc;
        {
            std::lock_guard lock(mutex);
            sc = scripts[std::min<std::size_t>(static_cast<std::size_t>(connections), scripts.size() - 1)];
            ++connections;
        }
        co_await serve(std::move(s), std::move(sc));
    }

    asio::awaitable<void> accept_loop() {
        while (true) {
            std::error_code ec;
            auto s = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
            if (ec) co_return;
            asio::co_spawn(ctx, first_byte_then_serve(std::move(s)), asio::detached);
        }
    }
};

scripted_server::scripted_server(std::vector<script> scripts, const std::string& address) : impl_(new impl) {
    impl_->scripts = std::move(scripts);
    if (impl_->scripts.empty()) impl_->scripts.push_back({close_connection()});
    const tcp::endpoint ep(asio::ip::make_address(address), 0);
    impl_->acceptor.open(ep.protocol());
    impl_->acceptor.bind(ep);
    impl_->acceptor.listen();
    asio::co_spawn(impl_->ctx, impl_->accept_loop(), asio::detached);
    impl_->thread = std::thread([this] { impl_->ctx.run(); });
}

scripted_server::~scripted_server() {
    impl_->ctx.stop();
    impl_->thread.join();
}

unsigned short scripted_server::port() const { return impl_->acceptor.local_endpoint().port(); }

std::string scripted_server::url(const std::string& path) const {
    const auto a = impl_->acceptor.local_endpoint().address();
    const std::string host = a.is_v6() ? "[" + a.to_string() + "]" : a.to_string();
    return "http://" + host + ":" + std::to_string(port()) + path;
}

std::vector<std::string> scripted_server::requests() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->requests;
}

int scripted_server::connections() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->connections;
}

bool scripted_server::wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(impl_->mutex);
    return impl_->request_arrived.wait_for(lock, timeout, [&] { return impl_->requests.size() >= n; });
}

struct full_backlog_listener::impl {
    asio::io_context ctx;
    tcp::acceptor acceptor{ctx};
    std::vector<tcp::socket> fillers;
};

full_backlog_listener::full_backlog_listener(const std::string& address) : impl_(new impl) {
    const tcp::endpoint ep(asio::ip::make_address(address), 0);
    impl_->acceptor.open(ep.protocol());
    impl_->acceptor.bind(ep);
    impl_->acceptor.listen(0);
    const tcp::endpoint target(ep.address(), impl_->acceptor.local_endpoint().port());
    // Linux holds backlog+1 completed connections; a few more make sure the queue is full.
    for (int i = 0; i < 4; ++i) {
        // Started, never completed: this io_context never runs (a synchronous connect
        // would wait for its own dropped SYN).
        impl_->fillers.emplace_back(impl_->ctx);
        impl_->fillers.back().async_connect(target, [](const std::error_code&) {});
    }
    // Full once the kernel holds more completed connections than the backlog allows
    // (for a listener, TCP_INFO's unacked is the accept queue's length, sacked its limit).
    const auto until = std::chrono::steady_clock::now() + 20s;
    for (;;) {
        tcp_info info{};
        socklen_t size = sizeof info;
        if (::getsockopt(impl_->acceptor.native_handle(), IPPROTO_TCP, TCP_INFO, &info, &size) != 0)
            throw std::runtime_error(std::string("full_backlog_listener: TCP_INFO: ") + std::strerror(errno));
        if (info.tcpi_unacked > info.tcpi_sacked) break;
        if (std::chrono::steady_clock::now() >= until)
            throw std::runtime_error("full_backlog_listener: the accept queue did not fill within 20 s");
        std::this_thread::sleep_for(5ms);
    }
}

full_backlog_listener::~full_backlog_listener() = default;

unsigned short full_backlog_listener::port() const { return impl_->acceptor.local_endpoint().port(); }

namespace {

// A TCP socket bound to 127.0.0.1 port 0, never listening: connects to its port are
// refused, and the OS gives the port to nobody else (not even as a connection's source
// port) while it is open.
int bound_socket() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
        throw std::runtime_error(std::string("cannot bind a loopback port: ") + std::strerror(errno));
    return fd;
}

unsigned short port_of(int fd) {
    sockaddr_in a{};
    socklen_t size = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &size);
    return ntohs(a.sin_port);
}

}  // namespace

unsigned short unused_port() {
    // Held until the test process ends (one test case each): a descriptor per call.
    return port_of(bound_socket());
}

unsigned short free_port_for_peer() {
    const int fd = bound_socket();
    const auto port = port_of(fd);
    ::close(fd);
    return port;
}

}  // namespace netlab::test
