#include <doctest/doctest.h>

#include "unit/server/site_fixture.hpp"
#include "netlab/platform/process.hpp"
#include "server/connection.hpp"
#include "server/worker.hpp"

#include <asio/co_spawn.hpp>
#include <asio/connect.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/post.hpp>
#include <asio/read.hpp>
#include <asio/read_until.hpp>
#include <asio/write.hpp>
#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <string_view>
#include <thread>

using namespace netlab::server;
using asio::ip::tcp;

namespace {

// Two workers, each running on a thread of its own, as serve-http runs them.
struct two_workers {
    explicit two_workers(const server_config& config, const static_site& site)
        : a(config, events, site, counters), b(config, events, site, counters) {
        ta = std::thread([this] { a.run(); });
        tb = std::thread([this] { b.run(); });
    }
    ~two_workers() {
        guard_a.reset();
        guard_b.reset();
        a.io.stop();
        b.io.stop();
        ta.join();
        tb.join();
    }
    // How many connections `w` holds, asked on its own thread.
    static std::size_t connections_on(worker& w) {
        std::promise<std::size_t> p;
        asio::post(w.io, [&] { p.set_value(w.connections.size()); });
        return p.get_future().get();
    }

    server_events events;
    shared_counters counters;
    worker a;
    worker b;
    asio::executor_work_guard<asio::io_context::executor_type> guard_a = asio::make_work_guard(a.io);
    asio::executor_work_guard<asio::io_context::executor_type> guard_b = asio::make_work_guard(b.io);
    std::thread ta;
    std::thread tb;
};

// One keep-alive request for /hello.txt on a blocking client socket; returns the body.
std::string ask(tcp::socket& client) {
    const std::string request = "GET /hello.txt HTTP/1.1\r\nHost: test\r\n\r\n";
    asio::write(client, asio::buffer(request));
    std::string in;
    const std::size_t head = asio::read_until(client, asio::dynamic_buffer(in), "\r\n\r\n");
    const std::size_t body = 5;  // "hello"
    if (in.size() < head + body) asio::read(client, asio::dynamic_buffer(in), asio::transfer_exactly(head + body - in.size()));
    return in.substr(head, body);
}

// Waits (5 s at most) for what another thread does after the client has its answer.
template <class Condition>
bool eventually(Condition done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!done() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return done();
}

}  // namespace

TEST_CASE("a connection moves to another worker between requests and is served there") {
    netlab::test::site_fixture s;
    s.write("hello.txt", "hello");
    server_config config;
    config.root = s.www();
    config.access_log = false;
    std::error_code ec;
    static_site site(config, ec);
    REQUIRE_FALSE(ec);
    two_workers w(config, site);

    asio::io_context client_io;
    tcp::acceptor acceptor(client_io, {asio::ip::address_v4::loopback(), 0});
    tcp::socket client(client_io);
    client.connect(acceptor.local_endpoint());
    tcp::socket accepted(w.a.io);  // as the acceptor does: the socket belongs to its worker
    acceptor.accept(accepted);
    w.counters.active = 1;
    w.a.held = 1;
    asio::post(w.a.io, [&a = w.a, sock = std::move(accepted)]() mutable {
        std::make_shared<connection>(std::move(sock), a, std::chrono::steady_clock::now())->start();
    });

    CHECK(ask(client) == "hello");
    CHECK(two_workers::connections_on(w.a) == 1);
    CHECK(two_workers::connections_on(w.b) == 0);

    // The balancer's request; the connection takes it at its next pause between requests
    // (it is waiting for this one already), so the request after that is served by b.
    asio::post(w.a.io, [&] { w.a.request_moves({{&w.b, 1}}); });
    CHECK(ask(client) == "hello");
    CHECK(ask(client) == "hello");
    if (w.counters.move_failures > 0) {
        // Only where the OS cannot take a socket off its completion port (old Windows).
        MESSAGE("this OS cannot move a socket between workers; the connection stayed");
        CHECK(netlab::platform::os_name() == "windows");
        CHECK(two_workers::connections_on(w.a) == 1);
    } else {
        CHECK(two_workers::connections_on(w.a) == 0);
        CHECK(two_workers::connections_on(w.b) == 1);
        CHECK(eventually([&] { return w.a.held == 0; }));  // the connection that left a has ended there
        CHECK(w.b.held == 1);
    }
    CHECK(w.counters.active == 1);  // still one connection: moving neither opens nor ends one
    CHECK(eventually([&] { return w.counters.requests == 3; }));  // counted once each was sent

    // The client leaves: its connection ends on the worker that holds it.
    client.close();
    CHECK(eventually([&] { return w.counters.active == 0; }));
    CHECK(eventually([&] { return w.a.held + w.b.held == 0; }));
}

TEST_CASE("a connection the reaper ends has logged its 408 and given its place back before its client sees the close") {
    netlab::test::site_fixture s;
    server_config config;
    config.root = s.www();
    config.header_timeout = std::chrono::milliseconds(50);
    std::error_code ec;
    static_site site(config, ec);
    REQUIRE_FALSE(ec);
    two_workers w(config, site);
    // The 408's log line waits (a while) for the client to see the close: it never should,
    // since the server closes only after logging.
    std::atomic<bool> client_saw_close{false};
    std::atomic<bool> logged{false};
    std::atomic<bool> logged_after_close{false};
    w.events.on_request = [&](const request_record& r) {
        if (r.status != 408) return;
        const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
        while (!client_saw_close && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        logged_after_close = client_saw_close.load();
        logged = true;
    };
    asio::co_spawn(w.a.io, w.a.reap(), rethrow_to_run_loop);

    asio::io_context client_io;
    tcp::acceptor acceptor(client_io, {asio::ip::address_v4::loopback(), 0});
    tcp::socket client(client_io);
    client.connect(acceptor.local_endpoint());
    tcp::socket accepted(w.a.io);
    acceptor.accept(accepted);
    w.counters.active = 1;
    w.a.held = 1;
    asio::post(w.a.io, [&a = w.a, sock = std::move(accepted)]() mutable {
        std::make_shared<connection>(std::move(sock), a, std::chrono::steady_clock::now())->start();
    });
    asio::write(client, asio::buffer(std::string_view("GET /hello.txt HTTP/1.1\r\n")));  // and the rest never

    // Read to the end (the 408, then the close), 20 s at most.
    std::string in;
    std::error_code read_ec;
    asio::async_read(client, asio::dynamic_buffer(in), [&](std::error_code e, std::size_t) { read_ec = e; });
    client_io.run_for(std::chrono::seconds(20));
    REQUIRE(read_ec == asio::error::eof);
    // The moment the client sees the close, the server's books already say so.
    CHECK(w.counters.active == 0);
    CHECK(w.counters.timeouts == 1);
    CHECK(w.counters.requests == 1);
    CHECK(w.counters.client_errors == 1);
    client_saw_close = true;
    CHECK(in.rfind("HTTP/1.1 408 ", 0) == 0);
    CHECK(logged);
    CHECK_FALSE(logged_after_close);
    CHECK(eventually([&] { return w.a.held == 0; }));
}
