// udp-send against peers we did not write: nc -u -l and python3 receivers, socat and
// python3 echo servers; replies printed; ping with fresh, late and duplicate replies
// counted apart; a closed port; bad hosts, ports and sizes.
#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <thread>

#include "support/udp_peers.hpp"

using namespace netlab::test;

namespace {

// Prints its port, then each datagram's payload (repr) and source, until `n` arrived; it
// answers each with "ack:" + payload.
const char* python_receiver =
    "import socket, sys\n"
    "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1', 0)); s.settimeout(10)\n"
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
    const auto r = run_netlab({"--json", "udp-send", "127.0.0.1", std::to_string(port), "hello python", "--timeout", "2"});
    CHECK(r.exit_code == 0);
    CHECK(py.read_line(10s) == "b'hello python'");
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
    const auto r = run_netlab({"udp-send", "127.0.0.1", std::to_string(port), "--timeout", "1"}, 30s,
                              "first\nsecond line\r\n\n");
    CHECK(r.exit_code == 0);
    CHECK(py.read_line(10s) == "b'first'");
    CHECK(py.read_line(10s) == "b'second line'");
    CHECK(py.read_line(10s) == "b''");
    CHECK(r.out.find("ack:second line") != std::string::npos);
}

TEST_CASE("nc -u -l receives a repeated message") {
    require_program("nc");
    for (int attempt = 0; attempt < 5; ++attempt) {
        const auto port = std::to_string(unused_udp_port());
        child nc = child::start({"nc", "-u", "-l", "-W", "3", "127.0.0.1", port});
        std::this_thread::sleep_for(300ms);  // nc has no "listening" line to wait for
        const auto r = run_netlab({"udp-send", "127.0.0.1", port, "to nc\n", "--count", "3", "--interval", "0.05",
                                   "--timeout", "0.2"});
        if (nc.wait(10s) != 0) continue;  // the port was taken in between: another
        CHECK(r.exit_code == 0);
        CHECK(nc.stdout_rest() == "to nc\nto nc\nto nc\n");
        return;
    }
    FAIL("nc -u -l never started");
}

TEST_CASE("ping against a socat echo server gets every reply with times and a summary") {
    require_program("socat");
    for (int attempt = 0; attempt < 5; ++attempt) {
        const auto port = std::to_string(unused_udp_port());
        child socat = child::start({"socat", "-T", "10", "UDP4-RECVFROM:" + port + ",bind=127.0.0.1,fork", "PIPE"});
        std::this_thread::sleep_for(300ms);
        const auto r = run_netlab({"--json", "udp-send", "127.0.0.1", port, "--ping", "--count", "4", "--interval",
                                   "0.1", "--size", "100"}, 30s);
        if (r.exit_code != 0 && r.err.find("nothing listens") != std::string::npos) continue;
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
        return;
    }
    FAIL("socat never started");
}

TEST_CASE("a late reply and a duplicate reply are counted as such, not as fresh ones") {
    require_program("python3");
    // Echoes request 1 twice and request 2 after 0.45 s: past the 0.3 s timeout, while
    // requests 3 and 4 (0.3 s apart) keep udp-send listening.
    const char* tricky =
        "import socket, threading\n"
        "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1', 0))\n"
        "print(s.getsockname()[1], flush=True)\n"
        "for n in range(5):\n"
        "    data, peer = s.recvfrom(65535)\n"
        "    if n == 1: s.sendto(data, peer); s.sendto(data, peer)\n"
        "    elif n == 2: threading.Timer(0.45, s.sendto, (data, peer)).start()\n"
        "    else: s.sendto(data, peer)\n"
        "threading.Event().wait(1.5)\n";
    unsigned short port = 0;
    child py = start_python_udp(tricky, port);
    const auto r = run_netlab({"--json", "udp-send", "127.0.0.1", std::to_string(port), "--ping", "--count", "5",
                               "--interval", "0.3", "--timeout", "0.3"}, 30s);
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == 0);
    const auto events = json_lines(r.out);
    const auto timeouts = events_of(events, "timeout");
    REQUIRE(timeouts.size() == 1);
    CHECK(timeouts[0]["seq"] == 2);
    int fresh = 0, late = 0, dup = 0;
    for (const auto& p : events_of(events, "ping")) {
        const auto kind = p["kind"].get<std::string>();
        fresh += kind == "fresh";
        late += kind == "late";
        dup += kind == "duplicate";
        if (kind != "fresh") CHECK(p["seq"] == (kind == "late" ? 2 : 1));
    }
    CHECK(fresh == 4);
    CHECK(late == 1);
    CHECK(dup == 1);
    const auto s = events_of(events, "ping_summary");
    REQUIRE(s.size() == 1);
    CHECK(s[0]["received"] == 4);
    CHECK(s[0]["late"] == 1);
    CHECK(s[0]["duplicates"] == 1);
    CHECK(s[0]["lost_percent"].get<double>() == doctest::Approx(20.0));
}

TEST_CASE("ping to a closed port stops at once: nothing listens, exit 1") {
    const auto port = std::to_string(unused_udp_port());
    const auto started = std::chrono::steady_clock::now();
    const auto r = run_netlab({"udp-send", "127.0.0.1", port, "--ping", "--count", "20", "--interval", "0.2"}, 30s);
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("nothing listens on UDP 127.0.0.1:" + port) != std::string::npos);
    CHECK(r.err.find("refused") != std::string::npos);
    CHECK(took < 3.0);
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
    const auto r = run_netlab({"--trace", "udp-send", "127.0.0.1", std::to_string(port), "traced", "--timeout", "1"});
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
