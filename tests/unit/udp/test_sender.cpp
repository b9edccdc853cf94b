// The sender engine against a netlab listener engine on another thread: a probe stream
// comes back with the listener's report; ping replies are matched; a closed port is
// "refused"; a message longer than a datagram never reaches a socket.
#include <doctest/doctest.h>

#include <asio.hpp>
#include <atomic>
#include <thread>

#include "udp/listener.hpp"
#include "udp/sender.hpp"

using namespace netlab::udp;
using namespace std::chrono_literals;

namespace {

// A listener (echoing) on 127.0.0.1 that stops after `idle` without a datagram.
struct running_listener {
    explicit running_listener(std::chrono::milliseconds idle) {
        listen_config config;
        config.bind_address = "127.0.0.1";
        config.echo = true;
        config.idle_timeout = idle;
        listen_events events;
        events.on_listening = [this](const listening_info& info) { port = info.port; };
        l = std::make_unique<listener>(config, events);
        REQUIRE_FALSE(l->start());
        thread = std::thread([this] { summary = l->run(); });
        for (int i = 0; i < 5000 && port == 0; ++i) std::this_thread::sleep_for(1ms);
        REQUIRE(port != 0);
    }
    ~running_listener() { thread.join(); }
    std::unique_ptr<listener> l;
    std::atomic<unsigned short> port{0};
    listen_summary summary;
    std::thread thread;
};

send_config to(unsigned short port, send_mode mode) {
    send_config c;
    c.host = "127.0.0.1";
    c.port = port;
    c.mode = mode;
    return c;
}

}  // namespace

TEST_CASE("a probe stream ends with the listener's report, every datagram counted") {
    running_listener l(500ms);
    auto c = to(l.port, send_mode::probe);
    c.count = 500;
    c.rate = 5000;
    c.size = 100;
    const auto r = run_send(c, {});
    CHECK(r.error == send_error::none);
    CHECK(r.probe.sent == 500);
    CHECK(r.probe.bytes == 500 * 100);
    REQUIRE(r.probe.report_received);
    CHECK(r.probe.report.expected == 500);
    CHECK(r.probe.report.received == 500);
    CHECK(r.probe.report.bytes == 500 * 100);
}

TEST_CASE("ping replies from an echoing listener are matched and timed") {
    running_listener l(500ms);
    auto c = to(l.port, send_mode::ping);
    c.count = 3;
    c.interval = 20ms;
    int fresh = 0;
    send_events ev;
    ev.on_ping_reply = [&](const asio::ip::udp::endpoint&, std::uint64_t, std::size_t bytes, std::int64_t rtt_ns,
                           reply_kind kind) {
        fresh += kind == reply_kind::fresh;
        CHECK(bytes == 64);
        CHECK(rtt_ns >= 0);
    };
    const auto r = run_send(c, ev);
    CHECK(r.error == send_error::none);
    CHECK(fresh == 3);
    CHECK(r.ping.sent == 3);
    CHECK(r.ping.received == 3);
}

TEST_CASE("a ping to a closed port fails as refused") {
    unsigned short closed = 0;
    {
        asio::io_context io;
        asio::ip::udp::socket s(io, {asio::ip::address_v4::loopback(), 0});
        closed = s.local_endpoint().port();
    }
    auto c = to(closed, send_mode::ping);
    c.count = 5;
    c.interval = 100ms;
    const auto r = run_send(c, {});
    CHECK(r.error == send_error::refused);
}

TEST_CASE("a message longer than a datagram is refused before any socket opens") {
    auto c = to(9, send_mode::message);
    c.message.assign(65508, 'x');
    const auto r = run_send(c, {});
    CHECK(r.error == send_error::too_long);
    CHECK(r.sent == 0);
    CHECK(r.detail.find("at most 65507 over IPv4") != std::string::npos);
}
