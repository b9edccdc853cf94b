#include <doctest/doctest.h>

#include <algorithm>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <thread>

#include "scan/scanner.hpp"

using namespace netlab::scan;
using asio::ip::tcp;

namespace {

// A port that refuses: bound, never listening, held for the test's lifetime.
struct refusing_port {
    asio::io_context ctx;
    tcp::socket socket{ctx, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
    std::uint16_t port() const { return socket.local_endpoint().port(); }
};

struct listening_port {
    asio::io_context ctx;
    tcp::acceptor acceptor{ctx, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
    std::uint16_t port() const { return acceptor.local_endpoint().port(); }
};

// Accepts each connection and resets it at once (SO_LINGER 0), on a thread of its own.
struct resetting_port {
    asio::io_context ctx;
    tcp::acceptor acceptor{ctx, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
    std::thread thread;
    resetting_port() {
        accept();
        thread = std::thread([this] { ctx.run(); });
    }
    ~resetting_port() {
        ctx.stop();
        thread.join();
    }
    resetting_port(const resetting_port&) = delete;
    resetting_port& operator=(const resetting_port&) = delete;
    void accept() {
        acceptor.async_accept([this](const std::error_code& ec, tcp::socket s) {
            if (ec) return;
            std::error_code ignored;
            s.set_option(asio::socket_base::linger(true, 0), ignored);
            s.close(ignored);
            accept();
        });
    }
    std::uint16_t port() const { return acceptor.local_endpoint().port(); }
};

}  // namespace

TEST_CASE("the window stays within the open-file limit") {
    CHECK(window_for(0, {true, 1024, 4096}) == 1024 - reserved_descriptors);
    CHECK(window_for(0, {true, 100000, 100000}) == default_window);
    CHECK(window_for(50, {true, 100000, 100000}) == 50);
    CHECK(window_for(100000, {true, 2048, 2048}) == 2048 - reserved_descriptors);
    CHECK(window_for(0, {true, 10, 10}) == 1);
}

TEST_CASE("without a soft limit (Windows) the window is the request or the documented default") {
    CHECK(window_for(0, {false, UINT64_MAX, UINT64_MAX}) == default_window);
    CHECK(window_for(9000, {false, UINT64_MAX, UINT64_MAX}) == 9000);
}

TEST_CASE("--randomize gives a permutation: every port exactly once") {
    std::vector<std::uint16_t> ports;
    for (unsigned p = 1; p <= 65535; ++p) ports.push_back(static_cast<std::uint16_t>(p));
    const auto shuffled = scan_order(ports, true, 42);
    CHECK(shuffled != ports);
    auto sorted = shuffled;
    std::sort(sorted.begin(), sorted.end());
    CHECK(sorted == ports);
    CHECK(scan_order({3, 1, 2}, false, 0) == std::vector<std::uint16_t>{1, 2, 3});
}

TEST_CASE("a scan finds the listening port open and the refusing one closed") {
    listening_port open;
    refusing_port closed;
    std::vector<port_result> results;
    int done = 0;
    scan_events ev;
    ev.on_result = [&](const port_result& r) { results.push_back(r); };
    ev.on_target_done = [&](std::size_t t) {
        CHECK(t == 0);
        ++done;
    };
    scan_options o;
    o.stop_on_signals = false;
    const auto s = run_scan({{"127.0.0.1", "127.0.0.1"}}, {open.port(), closed.port()}, o, ev);
    CHECK_FALSE(static_cast<bool>(s.error));
    CHECK(s.ports == 2);
    CHECK(s.open == 1);
    CHECK(s.closed == 1);
    CHECK(done == 1);
    REQUIRE(results.size() == 2);
    for (const auto& r : results) {
        CHECK(r.tries == 1);
        CHECK(r.rtt_ms >= 0);
        if (r.port == open.port()) CHECK(r.state == port_state::open);
        else CHECK((r.state == port_state::closed && r.reason == netlab::platform::error_kind::refused));
    }
}

TEST_CASE("every probe gets exactly one result with a small window and several threads") {
    refusing_port closed;
    std::vector<std::uint16_t> ports;
    for (unsigned i = 0; i < 300; ++i) ports.push_back(closed.port());
    std::vector<int> seen(65536);
    scan_events ev;
    ev.on_result = [&](const port_result& r) { ++seen[r.port]; };
    scan_options o;
    o.window = 3;
    o.threads = 2;
    o.stop_on_signals = false;
    // The same port repeated is one port to the scanner's numbering: 300 results.
    const auto s = run_scan({{"127.0.0.1", "127.0.0.1"}}, ports, o, ev);
    CHECK(s.ports == 300);
    CHECK(s.closed == 300);
    CHECK(seen[closed.port()] == 300);
}

TEST_CASE("--max-rate spaces the connects out") {
    refusing_port closed;
    scan_options o;
    o.max_rate = 50;  // 20 ms apart
    o.stop_on_signals = false;
    const auto s = run_scan({{"127.0.0.1", "127.0.0.1"}}, std::vector<std::uint16_t>(6, closed.port()), o, {});
    CHECK(s.closed == 6);
    CHECK(s.elapsed_s >= 0.09);  // 5 gaps of 20 ms, less a little for clock granularity
}

TEST_CASE("a target that is not an address is reported and not scanned") {
    const auto s = run_scan({{"x", "not-an-address"}}, {80}, {}, {});
    CHECK(static_cast<bool>(s.error));
    CHECK(s.ports == 0);
}

TEST_CASE("a completed handshake is open even when the service resets it at once") {
    resetting_port service;
    std::vector<port_result> results;
    scan_events ev;
    ev.on_result = [&](const port_result& r) { results.push_back(r); };
    scan_options o;
    o.stop_on_signals = false;
    const auto s = run_scan({{"127.0.0.1", "127.0.0.1"}}, std::vector<std::uint16_t>(200, service.port()), o, ev);
    CHECK_FALSE(static_cast<bool>(s.error));
    CHECK(s.open == 200);
    for (const auto& r : results) {
        CHECK(r.state == port_state::open);
        CHECK((r.reason == netlab::platform::error_kind::none || r.reason == netlab::platform::error_kind::reset));
    }
}

TEST_CASE("each probe of an open port is one connection, with or without a banner") {
    // Not accepting: every connection the scan makes waits in the queue to be counted.
    asio::io_context ctx;
    tcp::acceptor idle(ctx, tcp::v4());
    idle.bind({asio::ip::make_address("127.0.0.1"), 0});
    idle.listen(64);
    idle.non_blocking(true);
    const auto queued = [&] {
        int n = 0;
        for (std::error_code ec; !ec; ++n) {
            tcp::socket s(ctx);
            idle.accept(s, ec);
            if (ec) break;
        }
        return n;
    };
    scan_options o;
    o.stop_on_signals = false;
    auto s = run_scan({{"127.0.0.1", "127.0.0.1"}}, std::vector<std::uint16_t>(10, idle.local_endpoint().port()), o, {});
    CHECK(s.open == 10);
    CHECK(s.connects == 10);
    CHECK(queued() == 10);
    o.banner = true;
    o.timeout = std::chrono::milliseconds(5000);
    s = run_scan({{"127.0.0.1", "127.0.0.1"}}, std::vector<std::uint16_t>(2, idle.local_endpoint().port()), o, {});
    CHECK(s.open == 2);
    CHECK(queued() == 2);
}
