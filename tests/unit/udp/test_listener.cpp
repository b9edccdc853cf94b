// The listener engine on loopback, driven by plain asio sockets: ordinary datagrams are
// reported and echoed, probe datagrams counted, a fin answered with the report.
#include <doctest/doctest.h>

#include <asio.hpp>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "udp/listener.hpp"
#include "udp/probe.hpp"

using namespace netlab::udp;
using asio::ip::udp;
using namespace std::chrono_literals;

namespace {

std::vector<std::byte> probe_datagram(probe::message_type type, std::uint64_t seq) {
    // A fin as udp-send pads it: the listener answers no more bytes than it is sent.
    std::vector<std::byte> b(type == probe::message_type::fin ? probe::fin_size : 64);
    probe::encode_header(b, type, 42, seq, 1'000'000 * static_cast<std::int64_t>(seq));
    return b;
}

// One datagram within 5 s, or a failed test (never a hang).
std::size_t receive(asio::io_context& io, udp::socket& s, std::vector<std::byte>& buf) {
    std::size_t got = 0;
    bool done = false;
    s.async_receive(asio::buffer(buf), [&](std::error_code ec, std::size_t n) {
        done = !ec;
        got = n;
    });
    io.restart();
    io.run_for(5s);
    if (!done) FAIL("nothing came back within 5 s");
    return got;
}

// The port once the listener has said where it listens (at most 5 s).
unsigned short wait_for(const std::atomic<unsigned short>& port) {
    for (int i = 0; i < 5000 && port == 0; ++i) std::this_thread::sleep_for(1ms);
    REQUIRE(port != 0);
    return port;
}

}  // namespace

TEST_CASE("the listener shows and echoes ordinary datagrams, counts probes and answers a fin with its report") {
    listen_config config;
    config.bind_address = "127.0.0.1";
    config.echo = true;
    config.idle_timeout = 500ms;
    std::atomic<unsigned short> port{0};
    std::vector<std::string> shown;
    std::vector<std::pair<report_reason, probe::report_body>> reports;
    listen_events events;
    events.on_listening = [&](const listening_info& info) { port = info.port; };
    events.on_datagram = [&](const netlab::platform::datagram& d) {
        shown.emplace_back(reinterpret_cast<const char*>(d.bytes.data()), d.bytes.size());
    };
    events.on_report = [&](const session_info& s, const probe::report_body& r, report_reason why) {
        CHECK(s.id == 42);
        reports.emplace_back(why, r);
    };
    listener l(config, events);
    REQUIRE_FALSE(l.start());
    listen_summary summary;
    std::thread runner([&] { summary = l.run(); });
    asio::io_context io;
    udp::socket peer(io, {asio::ip::address_v4::loopback(), 0});
    peer.connect({asio::ip::address_v4::loopback(), wait_for(port)});
    peer.send(asio::buffer(std::string("hello")));
    for (const std::uint64_t seq : std::initializer_list<std::uint64_t>{0, 1, 3}) peer.send(asio::buffer(probe_datagram(probe::message_type::data, seq)));
    peer.send(asio::buffer(probe_datagram(probe::message_type::fin, 4)));

    // The echo, then the report (in the order sent).
    std::vector<std::byte> buf(1024);
    std::size_t n = receive(io, peer, buf);
    CHECK(std::string(reinterpret_cast<const char*>(buf.data()), n) == "hello");
    n = receive(io, peer, buf);
    runner.join();

    const auto d = probe::decode(std::span(buf.data(), n));
    REQUIRE(d.status == probe::decode_status::ok);
    CHECK(d.msg.type == probe::message_type::report);
    CHECK(d.msg.report.expected == 4);
    CHECK(d.msg.report.received == 3);
    CHECK(d.msg.report.lost == 1);
    CHECK(shown == std::vector<std::string>{"hello"});
    REQUIRE(reports.size() == 1);
    CHECK(reports[0].first == report_reason::closed);
    CHECK(reports[0].second == d.msg.report);
    CHECK(summary.reason == stop_reason::timeout);
    CHECK(summary.datagrams == 5);
    CHECK(summary.probe_datagrams == 3);
    CHECK(summary.echoed == 1);
    CHECK(summary.sessions == 1);
}

TEST_CASE("--count stops the listener after exactly that many datagrams") {
    listen_config config;
    config.bind_address = "127.0.0.1";
    config.count = 2;
    std::atomic<unsigned short> port{0};
    int shown = 0;
    listen_events events;
    events.on_listening = [&](const listening_info& info) { port = info.port; };
    events.on_datagram = [&](const netlab::platform::datagram&) { ++shown; };
    listener l(config, events);
    REQUIRE_FALSE(l.start());
    listen_summary summary;
    std::thread runner([&] { summary = l.run(); });
    asio::io_context io;
    udp::socket peer(io, {asio::ip::address_v4::loopback(), 0});
    const udp::endpoint to{asio::ip::address_v4::loopback(), wait_for(port)};
    for (int i = 0; i < 5; ++i) peer.send_to(asio::buffer(std::string("x")), to);
    runner.join();
    CHECK(summary.reason == stop_reason::count);
    CHECK(summary.datagrams == 2);
    CHECK(shown == 2);
}
