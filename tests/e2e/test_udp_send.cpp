// udp-send against peers we did not write: nc -u -l and python3 receivers, socat and
// python3 echo servers; replies printed; ping with fresh, late and duplicate replies
// counted apart; a closed port; bad hosts, ports and sizes.
#include <doctest/doctest.h>

#include <csignal>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/udp_peers.hpp"

using namespace netlab::test;

namespace {

// Prints its port, then each datagram's payload (repr) and source, until `n` arrived; it
// answers each with "ack:" + payload.
const char* python_receiver =
    "import socket, sys\n"
    "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1', 0)); s.settimeout(20)\n"
    "print(s.getsockname()[1], flush=True)\n"
    "for _ in range(int(sys.argv[1])):\n"
    "    data, peer = s.recvfrom(65535)\n"
    "    print(repr(data), flush=True)\n"
    "    s.sendto(b'ack:' + data, peer)\n";

}  // namespace

TEST_CASE("a message reaches a python receiver and the reply is printed") {
    require_program("python3");
    unsigned short port = 0;
    child py = start_python_udp(python_receiver, port, {"1"});
    // --timeout: the quiet time after the message, so a generous window for the reply.
    const auto r = run_netlab({"--json", "udp-send", "127.0.0.1", std::to_string(port), "hello python", "--timeout", "5"});
    CHECK(r.exit_code == 0);
    CHECK(py.read_line(20s) == "b'hello python'");
    const auto events = json_lines(r.out);
    const auto replies = events_of(events, "reply");
    REQUIRE(replies.size() == 1);
    CHECK(replies[0]["payload"] == "ack:hello python");
    CHECK(replies[0]["source"] == "127.0.0.1:" + std::to_string(port));
    const auto summary = events_of(events, "summary");
    REQUIRE(summary.size() == 1);
    CHECK(summary[0]["sent"] == 1);
    CHECK(summary[0]["replies"] == 1);
}

TEST_CASE("each stdin line becomes one datagram without its newline") {
    require_program("python3");
    unsigned short port = 0;
    child py = start_python_udp(python_receiver, port, {"3"});
    const auto r = run_netlab({"udp-send", "127.0.0.1", std::to_string(port), "--timeout", "5"}, 30s,
                              "first\nsecond line\r\n\n");
    CHECK(r.exit_code == 0);
    CHECK(py.read_line(20s) == "b'first'");
    CHECK(py.read_line(20s) == "b'second line'");
    CHECK(py.read_line(20s) == "b''");
    CHECK(r.out.find("ack:second line") != std::string::npos);
}

namespace {

// A peer that binds a port we chose (nc, socat cannot take port 0 and say which they got),
// started once that port is in the kernel's socket table. Another program may take the
// port between unused_udp_port() and the peer's bind: the peer then fails with "Address
// already in use" and another port is tried; any other failure fails the test.
child start_udp_peer(const std::function<std::vector<std::string>(const std::string& port)>& argv, std::string& port) {
    for (int attempt = 0; attempt < 5; ++attempt) {
        port = std::to_string(unused_udp_port());
        child peer = child::start(argv(port));
        if (wait_for_udp_port(static_cast<unsigned short>(std::stoi(port)), peer, 20s) && !peer.exited()) return peer;
        peer.wait(5s);
        INFO("peer's stderr: " << peer.stderr_text());
        REQUIRE(peer.stderr_text().find("in use") != std::string::npos);
    }
    FAIL("five ports in a row were taken by other programs");
    return {};
}

}  // namespace

TEST_CASE("nc -u -l receives a repeated message") {
    require_program("nc");
    std::string port;
    child nc = start_udp_peer([](const std::string& p) { return std::vector<std::string>{"nc", "-u", "-l", "-W", "3", "127.0.0.1", p}; },
                              port);
    const auto r = run_netlab({"udp-send", "127.0.0.1", port, "to nc\n", "--count", "3", "--interval", "0.05",
                               "--timeout", "0.2"});
    CHECK(r.exit_code == 0);
    CHECK(nc.wait(20s) == 0);  // -W 3: it ends after the three datagrams
    CHECK(nc.stdout_rest() == "to nc\nto nc\nto nc\n");
}

TEST_CASE("ping against a socat echo server gets every reply with times and a summary") {
    require_program("socat");
    std::string port;
    child socat = start_udp_peer(
        [](const std::string& p) {
            return std::vector<std::string>{"socat", "-T", "30", "UDP4-RECVFROM:" + p + ",bind=127.0.0.1,fork", "PIPE"};
        },
        port);
    // --timeout: each reply may take 5 s (socat forks a process per datagram).
    const auto r = run_netlab({"--json", "udp-send", "127.0.0.1", port, "--ping", "--count", "4", "--interval", "0.1",
                               "--size", "100", "--timeout", "5"}, 60s);
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == 0);
    const auto events = json_lines(r.out);
    const auto pings = events_of(events, "ping");
    REQUIRE(pings.size() == 4);
    for (std::size_t i = 0; i < pings.size(); ++i) {
        CHECK(pings[i]["seq"] == i);
        CHECK(pings[i]["bytes"] == 100);
        CHECK(pings[i]["kind"] == "fresh");
        CHECK(pings[i]["rtt_ms"].get<double>() >= 0);
    }
    const auto s = events_of(events, "ping_summary");
    REQUIRE(s.size() == 1);
    CHECK(s[0]["sent"] == 4);
    CHECK(s[0]["received"] == 4);
    CHECK(s[0]["lost_percent"] == 0.0);
    CHECK(s[0]["min_ms"].get<double>() <= s[0]["avg_ms"].get<double>());
    CHECK(s[0]["avg_ms"].get<double>() <= s[0]["max_ms"].get<double>());
}

TEST_CASE("a late reply and a duplicate reply are counted as such, not as fresh ones") {
    require_program("python3");
    // Echoes each request at once, request 1 twice, and request 2 only when told on stdin:
    // the test tells it once udp-send has said that request 2 timed out.
    const char* tricky =
        "import select, socket, sys\n"
        "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1', 0))\n"
        "print(s.getsockname()[1], flush=True)\n"
        "n, held = 0, None\n"
        "while True:\n"
        "    ready, _, _ = select.select([s, sys.stdin], [], [])\n"
        "    if sys.stdin in ready:\n"
        "        if not sys.stdin.readline(): break\n"
        "        s.sendto(*held)\n"
        "    if s in ready:\n"
        "        data, peer = s.recvfrom(65535)\n"
        "        if n == 2: held = (data, peer)\n"
        "        else: s.sendto(data, peer)\n"
        "        if n == 1: s.sendto(data, peer)\n"
        "        n += 1\n";
    child py = child::start_with_stdin({"python3", "-c", tricky});
    const auto port_line = py.read_line(20s);
    REQUIRE(port_line.has_value());
    // Pings until Ctrl-C; each fresh reply has 5 s.
    auto argv = netlab_command();
    for (const char* a : {"--json", "udp-send", "127.0.0.1"}) argv.emplace_back(a);
    argv.push_back(*port_line);
    for (const char* a : {"--ping", "--interval", "0.2", "--timeout", "5"}) argv.emplace_back(a);
    child ping = child::start(argv);
    // Every event, in order; waits for the next of `kind` and returns it.
    std::vector<nlohmann::json> events;
    const auto next_event = [&ping, &events](const std::string& kind) {
        while (const auto line = ping.read_line(20s)) {
            events.push_back(nlohmann::json::parse(*line));
            if (events.back()["event"] == kind) return events.back();
        }
        INFO("stderr: " << ping.stderr_text());
        FAIL("udp-send said no " << kind << " within 20 s");
        return nlohmann::json();
    };
    // Request 2 times out: from now on its reply is late.
    while (next_event("timeout")["seq"] != 2) {
    }
    py.write_stdin("release\n");
    while (next_event("ping")["kind"] != "late") {
    }
    ping.send_signal(SIGINT);
    REQUIRE(ping.wait(20s) == 0);
    for (auto rest = json_lines(ping.stdout_rest()); auto& j : rest) events.push_back(std::move(j));
    // Exactly request 2 timed out, its reply came late, request 1's second reply is a
    // duplicate, and every other reply that came was fresh.
    std::set<std::uint64_t> timed_out, fresh;
    int late = 0, dup = 0;
    for (const auto& e : events) {
        if (e["event"] == "timeout") timed_out.insert(e["seq"].get<std::uint64_t>());
        if (e["event"] != "ping") continue;
        const auto kind = e["kind"].get<std::string>();
        if (kind == "fresh") fresh.insert(e["seq"].get<std::uint64_t>());
        late += kind == "late";
        dup += kind == "duplicate";
        if (kind != "fresh") CHECK(e["seq"] == (kind == "late" ? 2 : 1));
    }
    CHECK(timed_out == std::set<std::uint64_t>{2});
    CHECK(late == 1);
    CHECK(dup == 1);
    const auto s = events_of(events, "ping_summary");
    REQUIRE(s.size() == 1);
    const auto sent = s[0]["sent"].get<std::uint64_t>();
    // Request 2 timed out 5 s after it was sent, requests going out 0.2 s apart: the ones
    // after it (3, ...) were sent, and answered, before its late reply.
    REQUIRE(sent > 4);
    // Every request but 2 got its fresh reply; the last one sent may have been cut off
    // by the Ctrl-C before its reply came.
    CHECK(fresh.count(2) == 0);
    for (std::uint64_t seq = 0; seq + 1 < sent; ++seq)
        if (seq != 2) CHECK_MESSAGE(fresh.count(seq) == 1, "request " << seq << " got no fresh reply");
    CHECK(s[0]["received"] == fresh.size());
    CHECK(s[0]["late"] == 1);
    CHECK(s[0]["duplicates"] == 1);
    CHECK(s[0]["lost_percent"].get<double>() ==
          doctest::Approx(100.0 * static_cast<double>(sent - fresh.size()) / static_cast<double>(sent)));
    py.close_stdin();
}

TEST_CASE("ping to a closed port stops at once: nothing listens, exit 1") {
    const auto port = std::to_string(unused_udp_port());
    const auto r = run_netlab({"--json", "udp-send", "127.0.0.1", port, "--ping", "--count", "20", "--interval", "1"}, 60s);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("nothing listens on UDP 127.0.0.1:" + port) != std::string::npos);
    CHECK(r.err.find("refused") != std::string::npos);
    // At once: the refusal of the first request (at the latest, of the second, whose send
    // reports it) ends the run, not the 20 requests a second apart.
    const auto s = events_of(json_lines(r.out), "ping_summary");
    REQUIRE(s.size() == 1);
    CHECK(s[0]["sent"].get<int>() <= 2);
}

TEST_CASE("a message to a closed port says nothing listens") {
    const auto port = std::to_string(unused_udp_port());
    const auto r = run_netlab({"udp-send", "127.0.0.1", port, "anyone?", "--timeout", "2"}, 30s);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("nothing listens") != std::string::npos);
}

TEST_CASE("bad hosts, ports and sizes are usage errors in one line") {
    struct bad {
        std::vector<std::string> args;
        std::string says;
    };
    const std::vector<bad> cases{
        {{"udp-send", "no-such-host.invalid", "9", "x"}, "cannot resolve host 'no-such-host.invalid'"},
        {{"udp-send", "127.0.0.1", "0", "x"}, "PORT must be a whole number from 1 to 65535, not '0'"},
        {{"udp-send", "127.0.0.1", "65536", "x"}, "PORT must be a whole number from 1 to 65535, not '65536'"},
        {{"udp-send", "127.0.0.1", "port", "x"}, "PORT must be a whole number from 1 to 65535, not 'port'"},
        {{"udp-send", "127.0.0.1", "9", "x", "--size", "100"}, "--size applies to --ping and --probe"},
        {{"udp-send", "127.0.0.1", "9", "--ping", "--size", "10"}, "--size must be a whole number from 32 to 65527 bytes"},
        {{"udp-send", "127.0.0.1", "9", "--ping", "--probe"}, "--ping"},
        {{"udp-send", "127.0.0.1", "9", "--rate", "5", "x"}, "--rate and --duration apply to --probe"},
        {{"udp-send", "127.0.0.1", "9", "--ping", "--size", "65508"}, "message too long for a datagram: 65508 bytes"},
        {{"udp-send", "127.0.0.1", "9", "x", "-b", "::1"}, "has no IPv6 address"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.says);
        const auto r = run_netlab(c.args);
        CHECK(r.exit_code == 2);
        CHECK(r.err.find(c.says) != std::string::npos);
        CHECK(r.err.find('\n') == r.err.size() - 1);
        CHECK(r.out.empty());
    }
}

TEST_CASE("a stdin line longer than a datagram is refused in words") {
    // Through stdin: a command line that long is more than Windows allows.
    const auto r = run_netlab({"udp-send", "127.0.0.1", "9"}, 30s, std::string(65508, 'x') + "\n");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("message too long for a datagram: 65508 bytes; a datagram holds at most 65507 over IPv4") !=
          std::string::npos);
}

TEST_CASE("--trace shows socket, bind, connect and one line per batched send or receive with its count") {
    require_program("python3");
    unsigned short port = 0;
    child py = start_python_udp(python_receiver, port, {"1"});
    const auto r = run_netlab({"--trace", "udp-send", "127.0.0.1", std::to_string(port), "traced", "--timeout", "5"});
    CHECK(r.exit_code == 0);
    const std::string to = "remote=127.0.0.1:" + std::to_string(port);
    const auto line_with = [&](const std::string& step) {
        std::istringstream in(r.err);
        for (std::string line; std::getline(in, line);)
            if (line.find("trace " + step) == 0) return line;
        return std::string();
    };
    CHECK(line_with("socket").find("SOCK_DGRAM") != std::string::npos);
    CHECK(line_with("bind").find("handle=") != std::string::npos);
    CHECK(line_with("connect").find(to) != std::string::npos);
    // Linux batches (sendmmsg/recvmmsg); elsewhere one call per datagram (sendto/recvfrom).
    const std::string sent = line_with("sendmmsg").empty() ? line_with("sendto") : line_with("sendmmsg");
    const std::string got = line_with("recvmmsg").empty() ? line_with("recvfrom") : line_with("recvmmsg");
    CHECK(sent.find("6 bytes") != std::string::npos);
    CHECK(sent.find("1 datagram") != std::string::npos);
    CHECK(sent.find(to) != std::string::npos);
    CHECK(got.find("10 bytes") != std::string::npos);  // "ack:traced"
    CHECK(got.find("1 datagram") != std::string::npos);
    CHECK(line_with("close").find("handle=") != std::string::npos);
}
