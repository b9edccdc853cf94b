#include "server/server.hpp"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <thread>

#include "net/endpoint.hpp"
#include "net/listener.hpp"
#include "net/socket_trace.hpp"
#include "net/stop_signals.hpp"
#include "netlab/platform/interfaces.hpp"
#include "netlab/platform/limits.hpp"
#include "server/connection.hpp"
#include "server/stock_replies.hpp"
#include "server/worker.hpp"

namespace netlab::server {
namespace {

using asio::ip::tcp;
using clock = std::chrono::steady_clock;

constexpr int listen_backlog = 1024;
// Pause before accepting again after a failed accept (e.g. out of file descriptors).
constexpr std::chrono::milliseconds accept_backoff{100};
constexpr std::chrono::milliseconds shutdown_poll{50};

// Over --max-connections: a short 503 instead of a silent reset.
std::string busy_reply() {
    response res;
    stock_reply(res, 503, false);
    res.head.append("Retry-After: 1\r\n");
    finish_head(res.head, true, false);
    return res.head + std::string(res.body);
}

}  // namespace

struct server::impl {
    server_config config;
    server_events events;
    std::unique_ptr<static_site> site;
    shared_counters counters;
    std::vector<std::unique_ptr<worker>> workers;  // workers[0] runs on the calling thread
    std::vector<tcp::acceptor> acceptors;          // on workers[0]
    std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
    std::unique_ptr<net::stop_signals> signals;
    std::size_t next_worker = 0;
    bool stopping = false;
    clock::time_point started;

    asio::io_context& main_io() { return workers.front()->io; }

    worker& pick_worker() {
        worker& w = *workers[next_worker];
        next_worker = (next_worker + 1) % workers.size();
        return w;
    }

    std::error_code listen();
    listening_info describe() const;
    asio::awaitable<void> accept_loop(tcp::acceptor& acceptor);
    asio::awaitable<void> refuse(tcp::socket socket);
    asio::awaitable<void> shutdown();
    void begin_shutdown();
};

server::server(server_config config, server_events events) : impl_(std::make_unique<impl>()) {
    impl_->config = std::move(config);
    impl_->events = std::move(events);
    if (impl_->config.threads == 0) impl_->config.threads = 1;
}

server::~server() = default;

std::uint16_t server::port() const {
    std::error_code ec;
    return impl_->acceptors.empty() ? 0 : impl_->acceptors.front().local_endpoint(ec).port();
}

std::error_code server::start() {
    auto& d = *impl_;
    std::error_code ec;
    d.site = std::make_unique<static_site>(d.config, ec);
    if (ec) return ec;
    for (unsigned i = 0; i < d.config.threads; ++i)
        d.workers.push_back(std::make_unique<worker>(d.config, d.events, *d.site, d.counters));
    if ((ec = d.listen())) return ec;
    // Catch stop signals before anyone learns where we listen: a client (or a test) may
    // send one the moment it reads the listening event.
    d.signals = std::make_unique<net::stop_signals>(d.main_io().get_executor(), [&d](int) { d.begin_shutdown(); });
    if (d.events.on_listening) d.events.on_listening(d.describe());
    return {};
}

std::error_code server::impl::listen() {
    return net::open_on_listen_address(config.bind_address, [&](const asio::ip::address& address) {
        tcp::acceptor a(main_io());
        const auto ec = net::open_listener(a, {address, config.port}, listen_backlog);
        if (!ec) acceptors.push_back(std::move(a));
        return ec;
    });
}

listening_info server::impl::describe() const {
    listening_info info;
    std::error_code ec;
    const auto ep = acceptors.front().local_endpoint(ec);
    info.address = ep.address().to_string();
    info.port = ep.port();
    info.dual_stack = ep.address().is_v6() && ep.address().is_unspecified();
    info.root = site->root().string();
    info.threads = config.threads;
    if (!ep.address().is_unspecified()) {
        info.urls.push_back(net::http_url(ep.address(), info.port));
        return info;
    }
    info.urls.push_back(net::http_url(asio::ip::address_v4::loopback(), info.port));
    if (info.dual_stack) info.urls.push_back(net::http_url(asio::ip::address_v6::loopback(), info.port));
    // Where other machines can reach it: the host's own addresses (not link-local,
    // which needs a zone a browser cannot take).
    for (const auto& a : platform::interface_addresses()) {
        if (a.loopback || a.link_local || (a.ipv6 && !info.dual_stack)) continue;
        const auto addr = asio::ip::make_address(a.address, ec);
        if (!ec) info.urls.push_back(net::http_url(addr, info.port));
    }
    return info;
}

asio::awaitable<void> server::impl::accept_loop(tcp::acceptor& acceptor) {
    asio::steady_timer backoff(main_io());
    for (;;) {
        worker& w = pick_worker();
        std::error_code ec;
        tcp::socket socket = co_await acceptor.async_accept(w.io, asio::redirect_error(asio::use_awaitable, ec));
        if (stopping || !acceptor.is_open()) break;
        if (ec) {
            // Out of descriptors or buffers, or a connection aborted before we took it:
            // pause briefly rather than spin on an error that repeats at once.
            backoff.expires_after(accept_backoff);
            co_await backoff.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        net::trace_socket(platform::trace_step::accept, socket);
        counters.connections.fetch_add(1, std::memory_order_relaxed);
        // Counted here, not when the worker gets to it, so a burst cannot overshoot.
        if (counters.active.fetch_add(1, std::memory_order_relaxed) >= config.max_connections) {
            counters.active.fetch_sub(1, std::memory_order_relaxed);
            asio::co_spawn(w.io, refuse(std::move(socket)), asio::detached);
            continue;
        }
        asio::post(w.io, [&w, s = std::move(socket)]() mutable {
            std::make_shared<connection>(std::move(s), w)->start();
        });
    }
}

// Over --max-connections: a short 503 instead of a silent reset, then close.
asio::awaitable<void> server::impl::refuse(tcp::socket socket) {
    const std::string reply = busy_reply();  // fresh Date each time; this path is rare
    std::error_code ec;
    co_await asio::async_write(socket, asio::buffer(reply), asio::redirect_error(asio::use_awaitable, ec));
    counters.server_errors.fetch_add(1, std::memory_order_relaxed);
    net::traced_close(socket);
}

void server::impl::begin_shutdown() {
    if (stopping) {
        // A second Ctrl-C: stop now.
        for (auto& w : workers) w->io.stop();
        return;
    }
    stopping = true;
    if (events.on_notice) events.on_notice("shutting down: finishing responses in flight");
    for (auto& a : acceptors) {
        std::error_code ec;
        a.close(ec);
    }
    for (auto& w : workers) asio::post(w->io, [&w = *w] { w.drain(); });
    for (auto& g : guards) g.reset();
    asio::co_spawn(main_io(), shutdown(), asio::detached);
}

asio::awaitable<void> server::impl::shutdown() {
    asio::steady_timer timer(main_io());
    const auto deadline = clock::now() + config.shutdown_grace;
    while (counters.active.load() > 0 && clock::now() < deadline) {
        timer.expires_after(shutdown_poll);
        std::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    if (signals) signals->cancel();
    for (auto& w : workers) w->io.stop();
}

server_stats server::run() {
    auto& d = *impl_;
    d.started = clock::now();
    platform::raise_open_file_limit(d.config.max_connections + 64);


    for (auto& a : d.acceptors) asio::co_spawn(d.main_io(), d.accept_loop(a), asio::detached);
    for (auto& w : d.workers) {
        asio::co_spawn(w->io, w->reap(), asio::detached);
        d.guards.push_back(asio::make_work_guard(w->io));
    }
    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < d.workers.size(); ++i)
        threads.emplace_back([&w = *d.workers[i]] { w.io.run(); });
    d.main_io().run();
    for (auto& t : threads) t.join();

    server_stats s;
    s.connections = d.counters.connections.load();
    s.requests = d.counters.requests.load();
    s.bytes = d.counters.bytes.load();
    s.client_errors = d.counters.client_errors.load();
    s.server_errors = d.counters.server_errors.load();
    s.timeouts = d.counters.timeouts.load();
    s.uptime_s = std::chrono::duration<double>(clock::now() - d.started).count();
    return s;
}

}  // namespace netlab::server
