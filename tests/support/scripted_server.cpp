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
#include <mutex>
#include <thread>

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
                    std::lock_guard lock(mutex);
                    requests.push_back(head + body);
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

    asio::awaitable<void> accept_loop() {
        while (true) {
            std::error_code ec;
            auto s = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
            if (ec) co_return;
            script sc;
            {
                std::lock_guard lock(mutex);
                sc = scripts[std::min<std::size_t>(static_cast<std::size_t>(connections), scripts.size() - 1)];
                ++connections;
            }
            asio::co_spawn(ctx, serve(std::move(s), std::move(sc)), asio::detached);
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
    std::this_thread::sleep_for(100ms);
}

full_backlog_listener::~full_backlog_listener() = default;

unsigned short full_backlog_listener::port() const { return impl_->acceptor.local_endpoint().port(); }

unsigned short unused_port() {
    asio::io_context ctx;
    tcp::acceptor a(ctx, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    return a.local_endpoint().port();
}

}  // namespace netlab::test
