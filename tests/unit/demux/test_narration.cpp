// The narration as values: calls as lines of C, the pictures, the step texts and the
// closing explanation, from hand-made calls and halves.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "demux/narration.hpp"

namespace dm = netlab::demux;
using netlab::platform::trace_step;

namespace {

dm::call make(trace_step step, std::uint64_t socket, unsigned client = 0, bool server = false) {
    dm::call c;
    c.step = step;
    c.socket = socket;
    c.client = client;
    c.server = server;
    return c;
}

std::string text_of(const dm::picture_line& line) {
    std::string s;
    for (const auto& span : line) s += span.text;
    return s;
}

dm::half udp_half() {
    dm::half h;
    h.proto = dm::protocol::udp;
    dm::server_socket s;
    s.socket = 5;
    s.local = "127.0.0.1:4000";
    s.arrivals = {{1, "127.0.0.2:5001", 19, "hello from client 1"}, {2, "127.0.0.3:5002", 19, "hello from client 2"}};
    h.sockets.push_back(s);
    return h;
}

dm::half tcp_half() {
    dm::half h;
    h.proto = dm::protocol::tcp;
    dm::server_socket l;
    l.socket = 6;
    l.listener = true;
    l.local = "127.0.0.1:4000";
    h.sockets.push_back(l);
    for (unsigned k = 1; k <= 2; ++k) {
        dm::server_socket s;
        s.socket = 8 + k;
        s.local = "127.0.0.1:4000";
        s.remote = "127.0.0." + std::to_string(k + 1) + ":6000";
        s.arrivals = {{k, s.remote, 19, "hello from client " + std::to_string(k)}};
        h.sockets.push_back(s);
    }
    return h;
}

}  // namespace

TEST_CASE("calls read as lines of C with their results") {
    auto c = make(trace_step::socket, 7, 1);
    c.detail = "AF_INET, SOCK_DGRAM";
    CHECK(dm::call_text(c) == "socket(AF_INET, SOCK_DGRAM) = 7");

    c = make(trace_step::bind, 7, 1);
    c.requested = "127.0.0.2:0";
    c.src = "127.0.0.2:5001";
    CHECK(dm::call_text(c) == "bind(7, 127.0.0.2:0) = 0: the OS chose 127.0.0.2:5001");

    c = make(trace_step::bind, 6, 0, true);
    c.requested = "127.0.0.1:4000";
    c.dst = "127.0.0.1:4000";
    CHECK(dm::call_text(c) == "bind(6, 127.0.0.1:4000) = 0");

    c = make(trace_step::sendto, 7, 1);
    c.payload = "hi";
    c.bytes = 2;
    c.dst = "127.0.0.1:4000";
    CHECK(dm::call_text(c) == "sendto(7, \"hi\", 127.0.0.1:4000) = 2");

    c = make(trace_step::recvfrom, 5, 1, true);
    c.src = "127.0.0.2:5001";
    c.dst = "127.0.0.1:4000";
    c.payload = "hi";
    c.bytes = 2;
    CHECK(dm::call_text(c) == "recvfrom(5) = 2 from 127.0.0.2:5001 to 127.0.0.1:4000: \"hi\"");

    c = make(trace_step::accept, 9, 1, true);
    c.listener = 6;
    c.src = "127.0.0.2:6000";
    c.dst = "127.0.0.1:4000";
    CHECK(dm::call_text(c) == "accept(6) = 9: 127.0.0.2:6000 -> 127.0.0.1:4000");

    c = make(trace_step::recv, 9, 1, true);
    c.bytes = 0;
    CHECK(dm::call_text(c) == "recv(9) = 0: the peer closed (end of stream)");

    c = make(trace_step::connect, 8, 1);
    c.dst = "127.0.0.1:4000";
    c.error = std::make_error_code(std::errc::connection_refused);
    CHECK(dm::call_text(c) == "connect(8, 127.0.0.1:4000) = -1: connection refused");
}

TEST_CASE("payloads are shown quoted with anything unprintable as \\xHH") {
    auto c = make(trace_step::recvfrom, 5, 0, true);
    c.payload = "a\x1b[31m\"\n";
    c.bytes = 7;
    const auto text = dm::call_text(c);
    CHECK(text.find("\"a\\x1b[31m\\x22\\x0a\"") != std::string::npos);
    CHECK(text.find('\x1b') == std::string::npos);
}

TEST_CASE("whose call: a client's socket is the client's, an accepted socket is the server's") {
    CHECK(dm::owner_text(make(trace_step::send, 8, 2)) == "client 2");
    CHECK(dm::owner_text(make(trace_step::recv, 9, 2, true)) == "server");
    CHECK(dm::owner_text(make(trace_step::bind, 5, 0, true)) == "server");
}

TEST_CASE("the UDP header line names its four fields") {
    netlab::udp::udp_header h{5001, 4000, 27, 0x1a2b, true};
    CHECK(dm::header_text(h) == "UDP header: source port 5001 | destination port 4000 | length 27 | checksum 0x1a2b");
    h.checksum_known = false;
    CHECK(dm::header_text(h).ends_with("checksum unknown"));
}

TEST_CASE("the UDP picture is one box with a row per source, the TCP picture a box per connection") {
    const auto udp = dm::picture(udp_half());
    REQUIRE(udp.size() == 5);  // caption, top, two rows, bottom
    CHECK(text_of(udp[0]) == "UDP: 2 datagrams from 2 sources arrived in 1 socket");
    CHECK(text_of(udp[1]).find("UDP socket 5, bound to 127.0.0.1:4000") != std::string::npos);
    CHECK(text_of(udp[2]).find("client 1") != std::string::npos);
    CHECK(text_of(udp[3]).find("client 2") != std::string::npos);

    const auto tcp = dm::picture(tcp_half());
    REQUIRE(tcp.size() == 10);  // caption, then three boxes of three lines
    CHECK(text_of(tcp[0]) == "TCP: 2 messages from 2 sources arrived in 2 sockets");
    CHECK(text_of(tcp[1]).find("TCP listener 6") != std::string::npos);
    CHECK(text_of(tcp[2]).find("no data passes through it") != std::string::npos);
    CHECK(text_of(tcp[4]).find("TCP socket 9, 127.0.0.2:6000 <-> 127.0.0.1:4000") != std::string::npos);
    CHECK(text_of(tcp[5]).find("client 1") != std::string::npos);
    CHECK(text_of(tcp[8]).find("client 2") != std::string::npos);
}

TEST_CASE("the picture counts distinct sources: one sender's many datagrams are one source and one row") {
    auto h = udp_half();
    for (int i = 0; i < 3; ++i) h.sockets[0].arrivals.push_back({0, "127.0.0.9:7000", 5, "spam!"});
    const auto lines = dm::picture(h);
    REQUIRE(lines.size() == 6);  // caption, top, three rows, bottom
    CHECK(text_of(lines[0]) == "UDP: 5 datagrams from 3 sources arrived in 1 socket");
    CHECK(text_of(lines[4]).find("not ours  127.0.0.9:7000   \"spam!\" and 2 more datagrams") != std::string::npos);
    const auto n = dm::count_arrivals(h);
    CHECK(n.arrivals == 5);
    CHECK(n.sources == 3);
    CHECK(n.foreign == 3);
    dm::outcome o;
    o.port = 4000;
    o.udp = h;
    o.tcp = tcp_half();
    const auto text = dm::closing_text(o, 2);
    CHECK(text.find("5 datagrams from 3 different sources all arrived in socket 5 (3 of them from senders outside") !=
          std::string::npos);
}

TEST_CASE("every line of a picture is as wide as the others, and client rows say whose they are") {
    for (const auto& h : {udp_half(), tcp_half()}) {
        const auto lines = dm::picture(h);
        const auto width = text_of(lines[1]).size();
        for (std::size_t i = 1; i < lines.size(); ++i) CHECK(text_of(lines[i]).size() == width);
        for (const auto& line : lines)
            for (const auto& span : line)
                if (span.kind == dm::tone::client) CHECK(span.text.find("client " + std::to_string(span.client)) != std::string::npos);
    }
}

TEST_CASE("the step texts follow the clients' addresses") {
    const auto with = dm::step_text(4, dm::protocol::tcp, {4000, 3, true});
    CHECK(with.title == "TCP: every client connects");
    CHECK(with.text.find("127.0.0.2 ... 127.0.0.4") != std::string::npos);
    CHECK(with.text.find("same source port") != std::string::npos);
    const auto without = dm::step_text(4, dm::protocol::tcp, {4000, 3, false});
    CHECK(without.text.find("all from 127.0.0.1") != std::string::npos);
    CHECK(without.text.find("same source port") == std::string::npos);
    CHECK(dm::step_text(1, std::nullopt, {0, 3, true}).text.find("a free one") != std::string::npos);
    for (unsigned n = 1; n <= dm::step_count; ++n) CHECK_FALSE(dm::step_text(n, std::nullopt, {4000, 2, true}).title.empty());
}

TEST_CASE("the closing explanation names the sockets and the shared source port, or why there was none") {
    dm::outcome o;
    o.port = 4000;
    o.udp = udp_half();
    o.tcp = tcp_half();
    o.distinct_addresses = true;
    o.shared_source_port = 6000;
    auto text = dm::closing_text(o, 2);
    CHECK(text.find("port 4000") != std::string::npos);
    CHECK(text.find("arrived in socket 5") != std::string::npos);
    CHECK(text.find("(9, 10)") != std::string::npos);
    CHECK(text.find("both sent from port 6000") != std::string::npos);
    CHECK(text.find("listener (6)") != std::string::npos);
    o.distinct_addresses = false;
    o.shared_source_port = 0;
    text = dm::closing_text(o, 2);
    CHECK(text.find("could not bind 127.0.0.2") != std::string::npos);
}
