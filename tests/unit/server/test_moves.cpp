#include <doctest/doctest.h>

#include "unit/server/site_fixture.hpp"
#include "netlab/platform/process.hpp"
#include "server/connection.hpp"
#include "server/worker.hpp"

#include <asio/connect.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/post.hpp>
#include <asio/read.hpp>
#include <asio/read_until.hpp>
#include <asio/write.hpp>
#include <chrono>
#include <future>
#include <string>
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
