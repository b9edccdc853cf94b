// --trace teaches the socket API, the same way in every subcommand: each call in the order
// it happens, one line each with the handle and addresses, the byte count or result and
// the error in words; end of stream shown as the peer closing (not as an error), the
// options that matter, name lookups, and every socket's close.
#include <doctest/doctest.h>

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ip/udp.hpp>
#include <csignal>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "support/loopback.hpp"
#include "support/netlab_server.hpp"
#include "support/process.hpp"
#include "support/udp_peers.hpp"

using namespace netlab::test;

namespace {

// The JSON trace records on a stream (stderr), in order.
std::vector<nlohmann::json> trace_records(const std::string& text) {
    std::vector<nlohmann::json> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_object() && j.value("event", "") == "trace") out.push_back(std::move(j));
    }
    return out;
}

// "step" or "step detail" for each record of one handle, in order.
std::vector<std::string> steps_of(const std::vector<nlohmann::json>& records, std::uint64_t handle) {
    std::vector<std::string> out;
    for (const auto& r : records)
        if (r.value("handle", std::uint64_t{0}) == handle)
            out.push_back(r["step"].get<std::string>() + (r.contains("detail") ? " " + r["detail"].get<std::string>() : ""));
    return out;
}

std::string joined(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : " | ") + x;
    return s;
}

// "step" for every record, in order.
std::vector<std::string> step_names(const std::vector<nlohmann::json>& records) {
    std::vector<std::string> out;
    for (const auto& r : records) out.push_back(r["step"].get<std::string>());
    return out;
}

// True when `wanted` appear in `steps` in this order (others may come between).
bool in_order(const std::vector<std::string>& steps, const std::vector<std::string>& wanted) {
    std::size_t i = 0;
    for (const auto& s : steps)
        if (i < wanted.size() && s == wanted[i]) ++i;
    return i == wanted.size();
}

// Linux batches datagrams (sendmmsg/recvmmsg); elsewhere one call each (sendto/recvfrom).
std::string plain_datagram_step(std::string step) {
    if (step == "sendmmsg") return "sendto";
    if (step == "recvmmsg") return "recvfrom";
    return step;
}

// The one-line contract every record keeps: a handle (but for a name lookup), a local
// or remote address once the socket has one, an error as a kind word.
void check_records(const std::vector<nlohmann::json>& records) {
    for (const auto& r : records) {
        INFO(r.dump());
        CHECK(r["step"].is_string());
        CHECK(r.contains("handle") == (r["step"] != "resolve"));
        if (r.contains("error")) CHECK(r["error"].get<std::string>().find(' ') == std::string::npos);
        if (r["step"] == "send" || r["step"] == "recv" || r["step"] == "sendfile") CHECK(r.contains("bytes"));
    }
}

}  // namespace

// (No semicolons in test names: ctest would split the name and run nothing.)
TEST_CASE("serve-http --trace: socket, SO_REUSEADDR, bind, listen, then accept, TCP_NODELAY, recv, send, end of stream, close, "
          "the listening socket closed at shutdown") {
    temp_dir dir;
    dir.write("a.txt", "hello");
    auto s = start_server(dir.path(), {"-v", "--trace", "--threads", "1"});
    std::string client;
    {
        raw_connection c(s.port);
        client = c.client();
        c.send("GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
        CHECK(c.read_response().find("hello") != std::string::npos);
    }  // the client closes: the server reads end of stream
    // Stopped only once the server has seen the end of stream and closed (else shutdown
    // would close it first, without that read).
    const auto closed = s.wait_for_connection(client, "closed");
    REQUIRE(closed.is_object());
    CHECK(closed["reason"] == "client closed");
    s.process.send_signal(SIGINT);
    REQUIRE(s.process.wait(20s) == 0);
    const auto records = trace_records(s.process.stderr_text());
    REQUIRE(records.size() >= 8);

    const auto listener = records.front()["handle"].get<std::uint64_t>();
    const auto listening = joined(steps_of(records, listener));
    INFO("listening socket: " << listening);
    // Windows' equivalent of SO_REUSEADDR for a server is SO_EXCLUSIVEADDRUSE.
    CHECK((listening.rfind("socket AF_INET, SOCK_STREAM | setsockopt SO_REUSEADDR=1 | bind | listen backlog", 0) == 0 ||
           listening.rfind("socket AF_INET, SOCK_STREAM | setsockopt SO_EXCLUSIVEADDRUSE=1 | bind | listen backlog", 0) == 0));
    CHECK(listening.ends_with("| close"));

    std::uint64_t conn = 0;
    for (const auto& r : records)
        if (r["step"] == "accept") conn = r["handle"].get<std::uint64_t>();
    REQUIRE(conn != 0);
    const auto conn_steps = joined(steps_of(records, conn));
    INFO("connection: " << conn_steps);
    CHECK(conn_steps.find("accept | setsockopt TCP_NODELAY=1 | recv | send | recv peer closed (end of stream) | close") !=
          std::string::npos);
    for (const auto& r : records) {
        if (r["handle"].get<std::uint64_t>() != conn || r["step"] != "recv" || !r.contains("detail")) continue;
        CHECK(r["bytes"] == 0);
        CHECK_FALSE(r.contains("error"));  // the peer closing is not an error
    }
}

TEST_CASE("get --trace: a failed connect names the address it tried, in words") {
    // A port nobody listens on: take one from a listener, then close it.
    unsigned short port = 0;
    {
        temp_dir dir;
        auto s = start_server(dir.path());
        port = s.port;
        s.process.send_signal(SIGINT);
        s.process.wait(20s);
    }
    const auto r = run_netlab({"get", "--trace", "--color", "never", "--connect-timeout", "5",
                               "http://127.0.0.1:" + std::to_string(port) + "/"});
    CHECK(r.exit_code == 7);
    INFO("stderr: " << r.err);
    const std::string expected = "remote=127.0.0.1:" + std::to_string(port) + " error: connection refused";
    const auto connect_line = r.err.find("trace connect");
    REQUIRE(connect_line != std::string::npos);
    CHECK(r.err.find(expected, connect_line) != std::string::npos);
}

TEST_CASE("human trace lines say how many bytes moved and show end of stream in words") {
    temp_dir dir;
    dir.write("a.txt", "hello");
    auto s = start_server(dir.path());
    const auto r = run_netlab({"get", "--trace", "--color", "never", s.url("/a.txt")});
    CHECK(r.exit_code == 0);
    INFO("stderr: " << r.err);
    CHECK(r.err.find("trace setsockopt handle=") != std::string::npos);
    CHECK(r.err.find("TCP_NODELAY=1") != std::string::npos);
    CHECK(r.err.find(" bytes") != std::string::npos);
    CHECK(r.err.find("error") == std::string::npos);
}

TEST_CASE("serve-http --trace: a file sent by sendfile names the connection's addresses and its bytes") {
    temp_dir dir;
    dir.write("big.bin", std::string(300000, 'x'));
    auto s = start_server(dir.path(), {"--trace", "--threads", "1"});
    {
        raw_connection c(s.port);
        c.send("GET /big.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        CHECK(c.closed_by_peer());
    }
    CHECK(s.next_event(20s)["event"] == "request");
    s.process.send_signal(SIGINT);
    REQUIRE(s.process.wait(20s) == 0);
    const auto records = trace_records(s.process.stderr_text());
    check_records(records);
    // One record per call (TransmitFile on Windows may take several): together the file.
    nlohmann::json sendfile;
    std::int64_t sent = 0;
    for (const auto& r : records)
        if (r["step"] == "sendfile") {
            sendfile = r;
            sent += r["bytes"].get<std::int64_t>();
        }
    REQUIRE(sendfile.is_object());
    CHECK(sent == 300000);
    CHECK(sendfile["local"] == "127.0.0.1:" + std::to_string(s.port));
    CHECK(sendfile["remote"].get<std::string>().rfind("127.0.0.1:", 0) == 0);
}

TEST_CASE("get --trace: the name lookup, then each Happy Eyeballs attempt's socket and connect, numbered") {
    temp_dir dir;
    dir.write("a.txt", "hello");
    auto s = start_server(dir.path());  // 127.0.0.1 only: the ::1 attempt is refused
    const auto r = run_netlab({"--json", "get", "--trace", "http://localhost:" + std::to_string(s.port) + "/a.txt"});
    CHECK(r.exit_code == 0);
    const auto records = trace_records(r.err);
    check_records(records);
    REQUIRE_FALSE(records.empty());
    CHECK(records.front()["step"] == "resolve");
    CHECK(records.front()["detail"].get<std::string>().find("localhost -> ") == 0);
    std::vector<std::string> attempts;
    for (const auto& x : records)
        if (x["step"] == "socket") attempts.push_back(x["detail"].get<std::string>());
    REQUIRE(attempts.size() == 2);
    CHECK(attempts[0] == "AF_INET6, SOCK_STREAM, Happy Eyeballs attempt 1 of 2");
    CHECK(attempts[1] == "AF_INET, SOCK_STREAM, Happy Eyeballs attempt 2 of 2");
    CHECK(in_order(step_names(records), {"resolve", "socket", "connect", "close", "socket", "connect", "send", "recv", "close"}));
}

TEST_CASE("udp-listen --trace: socket, bind, each receive with its count, and the socket's close at the end") {
    auto l = start_udp_listen({"--trace", "--count", "1"});
    asio::io_context io;
    asio::ip::udp::socket peer(io, asio::ip::udp::endpoint(asio::ip::udp::v4(), 0));
    peer.send_to(asio::buffer(std::string("hello")), {asio::ip::make_address("127.0.0.1"), l.port});
    REQUIRE(l.process.wait(20s) == 0);
    const auto records = trace_records(l.process.stderr_text());
    check_records(records);
    REQUIRE_FALSE(records.empty());
    const auto handle = records.front()["handle"].get<std::uint64_t>();
    std::vector<std::string> steps;
    for (const auto& x : steps_of(records, handle)) steps.push_back(plain_datagram_step(x.substr(0, x.find(' '))));
    INFO(joined(steps));
    CHECK(in_order(steps, {"socket", "bind", "recvfrom", "close"}));
    CHECK(steps.back() == "close");
    for (const auto& x : records)
        if (plain_datagram_step(x["step"]) == "recvfrom") {
            CHECK(x["bytes"] == 5);
            CHECK(x["detail"] == "1 datagram");
        }
}

TEST_CASE("udp-send --trace: the name lookup, socket, bind, connect, send and close in order") {
    auto l = start_udp_listen({"--count", "1"});
    const auto r = run_netlab({"--json", "--trace", "udp-send", "localhost", std::to_string(l.port), "hi", "-4",
                               "--timeout", "0.2"});
    CHECK(r.exit_code == 0);
    const auto records = trace_records(r.err);
    check_records(records);
    std::vector<std::string> steps;
    for (const auto& x : step_names(records)) steps.push_back(plain_datagram_step(x));
    INFO(joined(steps));
    REQUIRE_FALSE(records.empty());
    CHECK(records.front()["detail"].get<std::string>().find("localhost -> 127.0.0.1") == 0);
    CHECK(in_order(steps, {"resolve", "socket", "bind", "connect", "sendto", "close"}));
    l.process.wait(20s);
}

TEST_CASE("portscan --trace: the name lookup, then socket, SO_LINGER, connect and close for each probe") {
    asio::io_context io;
    asio::ip::tcp::acceptor open(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    const auto port = std::to_string(open.local_endpoint().port());
    const auto r = run_netlab({"--json", "--trace", "portscan", "localhost", "-4", "-p", port});
    CHECK(r.exit_code == 0);
    const auto records = trace_records(r.err);
    check_records(records);
    INFO(joined(step_names(records)));
    CHECK(in_order(step_names(records), {"resolve", "socket", "setsockopt", "connect", "close"}));
    bool connected = false;
    for (const auto& x : records)
        connected = connected || (x["step"] == "connect" && x.value("remote", "") == "127.0.0.1:" + port && !x.contains("error"));
    CHECK(connected);
}

TEST_CASE("demux-demo --trace: every call the narration shows, with the same handles, in the same order") {
    const auto r = run_netlab({"--json", "--trace", "demux-demo", "--clients", "2"});
    REQUIRE(r.exit_code == 0);
    const auto records = trace_records(r.err);
    check_records(records);
    std::vector<std::string> traced;
    for (const auto& x : records) traced.push_back(plain_datagram_step(x["step"]) + " " + std::to_string(x["handle"].get<std::uint64_t>()));
    std::vector<std::string> narrated;
    for (const auto& e : json_lines(r.out))
        if (e.value("event", "") == "call") narrated.push_back(e["call"].get<std::string>() + " " + std::to_string(e["socket"].get<std::uint64_t>()));
    INFO("traced: " << joined(traced));
    INFO("narrated: " << joined(narrated));
    CHECK(narrated.size() >= 30);
    CHECK(in_order(traced, narrated));
}

TEST_CASE("human trace lines: one per call, each naming the call and the handle, a lookup without one") {
    const auto r = run_netlab({"--trace", "--color", "never", "demux-demo", "--clients", "2"});
    REQUIRE(r.exit_code == 0);
    const std::regex socket_line(R"(^trace (socket|setsockopt|bind|listen|connect|accept|send|recv|sendto|recvfrom|sendmmsg|recvmmsg|close) +handle=\d+( |$).*)");
    std::istringstream in(lf_lines(r.err));
    int lines = 0;
    for (std::string line; std::getline(in, line);) {
        ++lines;
        CHECK_MESSAGE(std::regex_match(line, socket_line), line);
    }
    CHECK(lines >= 30);
    const auto g = run_netlab({"get", "--trace", "--color", "never", "--connect-timeout", "2", "http://localhost:9/"});
    CHECK(lf_lines(g.err).find("trace resolve    localhost -> ") != std::string::npos);
}
