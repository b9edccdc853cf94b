// The demonstration run for real on loopback: what it reports must be what the sockets
// did — one UDP socket for every datagram, one TCP socket per connection.
#include <doctest/doctest.h>

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "demux/demo.hpp"
#include "netlab/platform/error.hpp"
#include "udp/header.hpp"

namespace dm = netlab::demux;
using netlab::platform::trace_step;

namespace {

struct recording {
    std::vector<dm::call> calls;
    std::vector<unsigned> steps;
    std::vector<dm::half> halves;
    std::vector<std::string> notes;
    dm::outcome result;
};

recording run_demo(dm::config cfg = {}) {
    recording r;
    dm::events ev;
    ev.on_call = [&r](const dm::call& c) { r.calls.push_back(c); };
    ev.on_step = [&r](const dm::step_info& s) { r.steps.push_back(s.number); };
    ev.on_half = [&r](const dm::half& h) { r.halves.push_back(h); };
    ev.on_note = [&r](std::string_view n) { r.notes.emplace_back(n); };
    r.result = dm::run(cfg, ev);
    return r;
}

std::vector<dm::call> calls_of(const recording& r, dm::protocol p, trace_step step) {
    std::vector<dm::call> out;
    for (const auto& c : r.calls)
        if (c.proto == p && c.step == step) out.push_back(c);
    return out;
}

std::string host_of(const std::string& endpoint) { return endpoint.substr(0, endpoint.rfind(':')); }
std::string port_of(const std::string& endpoint) { return endpoint.substr(endpoint.rfind(':') + 1); }

}  // namespace

TEST_CASE("every client's datagram lands in the one UDP socket, each with its own source") {
    const auto r = run_demo({.port = 0, .clients = 4});
    REQUIRE_FALSE(r.result.error);
    const auto received = calls_of(r, dm::protocol::udp, trace_step::recvfrom);
    REQUIRE(received.size() == 4);
    std::set<std::string> sources;
    std::set<unsigned> clients;
    for (const auto& c : received) {
        CHECK(c.socket == received.front().socket);
        CHECK(c.server);
        CHECK(c.dst == "127.0.0.1:" + std::to_string(r.result.port));
        CHECK(c.payload == "hello from client " + std::to_string(c.client));
        sources.insert(c.src);
        clients.insert(c.client);
    }
    CHECK(sources.size() == 4);
    CHECK(clients == std::set<unsigned>{1, 2, 3, 4});
    REQUIRE(r.result.udp.sockets.size() == 1);
    CHECK(r.result.udp.sockets[0].arrivals.size() == 4);
    CHECK(r.result.udp.sockets[0].socket == received.front().socket);
}

TEST_CASE("clients send from 127.0.0.2 and up where the OS has them, else all from 127.0.0.1 with a note") {
    const auto r = run_demo({.port = 0, .clients = 3});
    REQUIRE_FALSE(r.result.error);
    std::set<std::string> hosts;
    for (const auto& c : calls_of(r, dm::protocol::udp, trace_step::sendto)) hosts.insert(host_of(c.src));
    if (r.result.distinct_addresses) {
        CHECK(hosts == std::set<std::string>{"127.0.0.2", "127.0.0.3", "127.0.0.4"});
        CHECK(r.notes.empty());
    } else {
        CHECK(hosts == std::set<std::string>{"127.0.0.1"});
        REQUIRE(r.notes.size() == 1);
        CHECK(r.notes[0].find("127.0.0.1") != std::string::npos);
    }
}

TEST_CASE("the UDP header of each datagram: its ports, 8 + payload bytes, the RFC 768 checksum") {
    const auto r = run_demo({.port = 0, .clients = 2});
    REQUIRE_FALSE(r.result.error);
    for (const auto& c : calls_of(r, dm::protocol::udp, trace_step::recvfrom)) {
        REQUIRE(c.header);
        CHECK(std::to_string(c.header->source_port) == port_of(c.src));
        CHECK(c.header->destination_port == r.result.port);
        CHECK(c.header->length == 8 + c.payload.size());
        REQUIRE(c.header->checksum_known);
        const auto payload = std::as_bytes(std::span(c.payload.data(), c.payload.size()));
        CHECK(c.header->checksum == netlab::udp::checksum(asio::ip::make_address(host_of(c.src)), c.header->source_port,
                                                          asio::ip::make_address("127.0.0.1"), r.result.port, payload));
    }
}

TEST_CASE("each TCP connection gets a socket of its own, with its own 4-tuple, and only its client's bytes") {
    const auto r = run_demo({.port = 0, .clients = 3});
    REQUIRE_FALSE(r.result.error);
    const auto accepted = calls_of(r, dm::protocol::tcp, trace_step::accept);
    REQUIRE(accepted.size() == 3);
    std::set<std::uint64_t> sockets;
    std::set<std::string> tuples;
    for (const auto& a : accepted) {
        CHECK(a.listener != a.socket);
        sockets.insert(a.socket);
        tuples.insert(a.src + " " + a.dst);
    }
    CHECK(sockets.size() == 3);
    CHECK(tuples.size() == 3);
    // The bytes read from each accepted socket are those of the client it was accepted from.
    for (const auto& c : calls_of(r, dm::protocol::tcp, trace_step::recv)) {
        if (c.bytes <= 0) continue;
        bool matched = false;
        for (const auto& a : accepted)
            if (a.socket == c.socket) {
                matched = true;
                CHECK(c.client == a.client);
                CHECK(c.payload == "hello from client " + std::to_string(a.client));
            }
        CHECK(matched);
    }
    // The picture's data: the listener, then one socket per connection with one source.
    REQUIRE(r.result.tcp.sockets.size() == 4);
    CHECK(r.result.tcp.sockets[0].listener);
    CHECK(r.result.tcp.sockets[0].arrivals.empty());
    for (std::size_t i = 1; i < 4; ++i) CHECK(r.result.tcp.sockets[i].arrivals.size() == 1);
}

TEST_CASE("two TCP clients on the same source port from two addresses get two sockets") {
    const auto r = run_demo({.port = 0, .clients = 2});
    REQUIRE_FALSE(r.result.error);
    if (!r.result.distinct_addresses) {
        CHECK(r.result.shared_source_port == 0);
        return;  // macOS without loopback aliases: the note says so (tested above)
    }
    const auto connects = calls_of(r, dm::protocol::tcp, trace_step::connect);
    REQUIRE(connects.size() == 2);
    CHECK(port_of(connects[0].src) == port_of(connects[1].src));
    CHECK(host_of(connects[0].src) != host_of(connects[1].src));
    CHECK(std::to_string(r.result.shared_source_port) == port_of(connects[0].src));
    const auto accepted = calls_of(r, dm::protocol::tcp, trace_step::accept);
    REQUIRE(accepted.size() == 2);
    CHECK(accepted[0].socket != accepted[1].socket);
}

TEST_CASE("port 0 gives both servers one number, and TCP and UDP hold it at once") {
    const auto r = run_demo();
    REQUIRE_FALSE(r.result.error);
    CHECK(r.result.port != 0);
    const auto udp_bind = calls_of(r, dm::protocol::udp, trace_step::bind);
    const auto tcp_listen = calls_of(r, dm::protocol::tcp, trace_step::listen);
    REQUIRE_FALSE(udp_bind.empty());
    REQUIRE(tcp_listen.size() == 1);
    CHECK(udp_bind.front().dst == tcp_listen.front().dst);
    CHECK(udp_bind.front().dst == "127.0.0.1:" + std::to_string(r.result.port));
}

TEST_CASE("the steps come in order, each socket closes, and the run ends well under a second") {
    const auto started = std::chrono::steady_clock::now();
    const auto r = run_demo();
    const auto took = std::chrono::steady_clock::now() - started;
    REQUIRE_FALSE(r.result.error);
    CHECK(r.steps == std::vector<unsigned>{1, 2, 3, 4, 5, 6, 7});
    REQUIRE(r.halves.size() == 2);
    CHECK(r.halves[0].proto == dm::protocol::udp);
    CHECK(r.halves[1].proto == dm::protocol::tcp);
    std::set<std::uint64_t> opened, closed;
    for (const auto& c : r.calls) {
        if (c.step == trace_step::socket || c.step == trace_step::accept) opened.insert(c.socket);
        if (c.step == trace_step::close) closed.insert(c.socket);
    }
    CHECK(opened == closed);
    // A bound on a loopback run, loose enough for a loaded machine; typically ~10 ms.
    CHECK(took < std::chrono::seconds(2));
}

TEST_CASE("a port another TCP socket holds stops the demo at its bind, in words") {
    asio::io_context io;
    asio::ip::tcp::acceptor taken(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    const auto r = run_demo({.port = taken.local_endpoint().port(), .clients = 2});
    REQUIRE(r.result.error);
    CHECK(netlab::platform::classify(r.result.error) == netlab::platform::error_kind::address_in_use);
    CHECK(r.result.failed.find("bind TCP 127.0.0.1:") == 0);
    CHECK(calls_of(r, dm::protocol::udp, trace_step::sendto).empty());
}
