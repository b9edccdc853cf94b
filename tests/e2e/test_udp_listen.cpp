// udp-listen heard by peers we did not write — nc -u (netcat-openbsd), socat, python3
// sockets: addresses (the real destination on a wildcard bind), payloads as escaped text
// or hex, the RFC 768 checksum against python's own, --echo, the largest datagram, and
// how it stops (--count, --timeout, SIGTERM) with a summary.
#include <doctest/doctest.h>

#include <csignal>
#include <cstdint>
#include <string>

#include "support/udp_peers.hpp"

using namespace netlab::test;

namespace {

// python3: send each argv[2:] (its bytes as given) as a datagram to 127.0.0.1:argv[1].
const char* python_send =
    "import os, socket, sys\n"
    "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
    "for m in sys.argv[2:]: s.sendto(os.fsencode(m), ('127.0.0.1', int(sys.argv[1])))\n";

}  // namespace

TEST_CASE("nc -u sends a line and udp-listen shows source, destination, length and the escaped payload") {
    require_program("nc");
    auto l = start_udp_listen({"--count", "1"});
    const auto nc = run({"nc", "-u", "-w1", "127.0.0.1", std::to_string(l.port)}, 30s, "hello \x1b[31mworld\n");
    INFO("nc: " << nc.err);
    const auto d = l.next_event(20s);
    REQUIRE(d.is_object());
    CHECK(d["event"] == "datagram");
    CHECK(d["destination"] == "127.0.0.1:" + std::to_string(l.port));
    CHECK(d["source"].get<std::string>().rfind("127.0.0.1:", 0) == 0);
    CHECK(d["length"] == 17);
    CHECK(d["payload"] == "hello \\x1b[31mworld\\n");
    CHECK(d["truncated"] == false);
    CHECK(l.process.wait(20s) == 0);
    const auto rest = l.remaining_events();
    const auto summary = events_of(rest, "summary");
    REQUIRE(summary.size() == 1);
    CHECK(summary[0]["datagrams"] == 1);
    CHECK(summary[0]["stopped_by"] == "count");
}

TEST_CASE("human output never passes a control byte to the terminal") {
    require_program("python3");
    auto l = start_human_udp_listen({"--count", "1", "--timeout", "10"});
    run({"python3", "-c", python_send, std::to_string(l.port), "a\x1b]0;owned\x07\r\x7f\xc2\x9b" "b"}, 30s);
    l.process.wait(20s);
    // Line ends may be CRLF (Windows text mode); nothing else below 0x20 may appear.
    const std::string out = lf_lines(l.process.stdout_rest());
    CHECK(out.find("a\\x1b]0;owned\\x07\\r\\x7f\\xc2\\x9bb") != std::string::npos);
    for (const char ch : out) CHECK((ch == '\n' || static_cast<unsigned char>(ch) >= 0x20));
}

TEST_CASE("a wildcard listener reports the address each datagram was really sent to") {
    require_program("socat");
    auto l = start_udp_listen({"--bind", "0.0.0.0", "--count", "2"});
    // 127.0.0.2 is loopback on Linux: the listener is bound to neither in particular.
    for (const char* to : {"127.0.0.1", "127.0.0.2"}) {
        const auto r = run({"socat", "-u", "-", std::string("UDP4-SENDTO:") + to + ":" + std::to_string(l.port)}, 30s, "x");
        INFO("socat: " << r.err);
        const auto d = l.next_event(20s);
        REQUIRE(d.is_object());
        CHECK(d["destination"] == std::string(to) + ":" + std::to_string(l.port));
        CHECK(d["interface"].get<int>() > 0);
    }
    CHECK(l.process.wait(20s) == 0);
    const auto rest = l.remaining_events();
}

TEST_CASE("a dual-stack listener hears IPv4 and IPv6 senders on one port") {
    require_program("python3");
    auto l = start_udp_listen({"--bind", "::", "--count", "2"});
    if (!l.listening["dual_stack"].get<bool>()) {
        MESSAGE("no IPv6 here; skipped");
        return;
    }
    const char* both =
        "import socket, sys\n"
        "p = int(sys.argv[1])\n"
        "socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'four', ('127.0.0.1', p))\n"
        "socket.socket(socket.AF_INET6, socket.SOCK_DGRAM).sendto(b'six', ('::1', p))\n";
    run({"python3", "-c", both, std::to_string(l.port)}, 30s);
    const auto a = l.next_event(20s);
    const auto b = l.next_event(20s);
    REQUIRE(a.is_object());
    REQUIRE(b.is_object());
    CHECK(a["destination"] == "127.0.0.1:" + std::to_string(l.port));
    CHECK(b["destination"] == "[::1]:" + std::to_string(l.port));
    CHECK(b["payload"] == "six");
}

TEST_CASE("--headers gives the RFC 768 checksum python computes over the pseudo-header, IPv4 and IPv6") {
    require_program("python3");
    // python computes the checksum itself, sends, and prints "source_port checksum".
    const char* script =
        "import socket, struct, sys\n"
        "fam, host, port, payload = sys.argv[1], sys.argv[2], int(sys.argv[3]), b'checksum me, odd'\n"
        "af = socket.AF_INET6 if fam == '6' else socket.AF_INET\n"
        "s = socket.socket(af, socket.SOCK_DGRAM); s.connect((host, port))\n"
        "src, sport = s.getsockname()[:2]\n"
        "n = 8 + len(payload)\n"
        "if af == socket.AF_INET:\n"
        "    ph = socket.inet_pton(af, src) + socket.inet_pton(af, host) + struct.pack('!BBH', 0, 17, n)\n"
        "else:\n"
        "    ph = socket.inet_pton(af, src) + socket.inet_pton(af, host) + struct.pack('!I3xB', n, 17)\n"
        "data = ph + struct.pack('!HHHH', sport, port, n, 0) + payload + b'\\0'\n"
        "total = sum(struct.unpack('!%dH' % (len(data) // 2), data[:len(data) // 2 * 2]))\n"
        "while total >> 16: total = (total & 0xffff) + (total >> 16)\n"
        "c = (~total) & 0xffff or 0xffff\n"
        "s.send(payload)\n"
        "print(sport, c)\n";
    for (const char* fam : {"4", "6"}) {
        CAPTURE(fam);
        const std::string host = fam[0] == '4' ? "127.0.0.1" : "::1";
        auto l = start_udp_listen({"--bind", host, "--headers", "--count", "1"});
        const auto py = run({"python3", "-c", script, fam, host, std::to_string(l.port)}, 30s);
        REQUIRE(py.exit_code == 0);
        const auto d = l.next_event(20s);
        REQUIRE(d.is_object());
        const auto& h = d["header"];
        CHECK(std::to_string(h["source_port"].get<int>()) + " " + std::to_string(h["checksum"].get<int>()) + "\n" == py.out);
        CHECK(h["destination_port"] == l.port);
        CHECK(h["length"] == 8 + 16);
    }
}

TEST_CASE("the largest IPv4 datagram, 65,507 bytes, arrives whole") {
    require_program("python3");
    auto l = start_udp_listen({"--count", "1", "--hex"});
    const char* big =
        "import socket, sys\n"
        "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
        "s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)\n"
        "s.sendto(bytes(i % 251 for i in range(65507)), ('127.0.0.1', int(sys.argv[1])))\n";
    REQUIRE(run({"python3", "-c", big, std::to_string(l.port)}, 30s).exit_code == 0);
    const auto d = l.next_event(20s);
    REQUIRE(d.is_object());
    CHECK(d["length"] == 65507);
    CHECK(d["truncated"] == false);
    const auto hex = d["payload_hex"].get<std::string>();
    REQUIRE(hex.size() == 2 * 65507);
    CHECK(hex.substr(0, 8) == "00010203");
    CHECK(hex.substr(2 * 251, 4) == "0001");  // the pattern wraps at 251
}

TEST_CASE("--hex shows a hexdump -C style dump") {
    require_program("python3");
    auto l = start_human_udp_listen({"--count", "1", "--hex"});
    run({"python3", "-c", python_send, std::to_string(l.port), "Hello, world!"}, 30s);
    l.process.wait(20s);
    CHECK(l.process.stdout_rest().find("00000000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21") != std::string::npos);
    CHECK(l.process.stdout_rest().find("|Hello, world!|") != std::string::npos);
}

TEST_CASE("--echo returns each datagram to socat and to python") {
    require_program("socat");
    require_program("python3");
    auto l = start_udp_listen({"--echo"});
    // socat sends one line and prints what comes back; its stdin stays open until the
    // echo is there (at the end of its input socat would wait only 0.5 s for it).
    child socat = child::start_with_stdin({"socat", "-T", "30", "-", "UDP4:127.0.0.1:" + std::to_string(l.port)});
    socat.write_stdin("echo me\n");
    CHECK(socat.read_line(20s) == "echo me");
    socat.close_stdin();
    CHECK(socat.wait(20s) == 0);
    const char* twice =
        "import socket, sys\n"
        "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(20)\n"
        "for m in (b'one', b'two'):\n"
        "    s.sendto(m, ('127.0.0.1', int(sys.argv[1])))\n"
        "    print(s.recvfrom(100)[0].decode())\n";
    const auto p = run({"python3", "-c", twice, std::to_string(l.port)}, 30s);
    CHECK(p.out == "one\ntwo\n");
    l.process.send_signal(SIGINT);
    CHECK(l.process.wait(20s) == 0);
    const auto rest = l.remaining_events();
    const auto summary = events_of(rest, "summary");
    REQUIRE(summary.size() == 1);
    CHECK(summary[0]["echoed"] == 3);
}

TEST_CASE("an echo comes back from the address it was sent to, so a connected peer takes it") {
    require_program("python3");
    auto l = start_udp_listen({"--bind", "0.0.0.0", "--echo"});
    // A connected socket takes replies only from the address it sent to: here 127.0.0.2,
    // while the listener would answer from 127.0.0.1 if it let the OS choose.
    const char* connected =
        "import socket, sys\n"
        "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(20)\n"
        "s.connect(('127.0.0.2', int(sys.argv[1]))); s.send(b'via 127.0.0.2')\n"
        "print(s.recv(100).decode())\n";
    const auto p = run({"python3", "-c", connected, std::to_string(l.port)}, 30s);
    CHECK(p.out == "via 127.0.0.2\n");
}

TEST_CASE("--timeout stops after the quiet time with a summary and exit 0") {
    const auto r = run_netlab({"--json", "udp-listen", "0", "--bind", "127.0.0.1", "--timeout", "0.5"}, 30s);
    CHECK(r.exit_code == 0);
    const auto summary = events_of(json_lines(r.out), "summary");
    REQUIRE(summary.size() == 1);
    CHECK(summary[0]["stopped_by"] == "timeout");
    CHECK(summary[0]["datagrams"] == 0);
    CHECK(summary[0]["uptime_s"].get<double>() >= 0.5);  // its own clock: not before the quiet time
}

TEST_CASE("a listener that falls behind says how many datagrams the kernel dropped") {
    require_program("python3");
    if (under_emulator()) {
        MESSAGE("the emulated build cannot read the kernel's drop count; skipped");
        return;
    }
    auto l = start_udp_listen({});
    // Stopped, it reads nothing: 30,000 datagrams are far more than its receive buffer
    // holds (it asks for 4 MiB, a datagram takes about 800 bytes of it).
    constexpr std::uint64_t sent = 30000;
    l.process.send_signal(SIGSTOP);
    const char* flood =
        "import socket, sys\n"
        "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
        "for _ in range(int(sys.argv[2])): s.sendto(b'x', ('127.0.0.1', int(sys.argv[1])))\n";
    const auto py = run({"python3", "-c", flood, std::to_string(l.port), std::to_string(sent)}, 60s);
    l.process.send_signal(SIGCONT);
    REQUIRE(py.exit_code == 0);
    // Until it has taken every datagram from the kernel, reading what it prints so that
    // its writes never block.
    const auto until = std::chrono::steady_clock::now() + 30s;
    while (!udp_queue_empty(l.port) && std::chrono::steady_clock::now() < until) l.process.read_line(50ms);
    REQUIRE(udp_queue_empty(l.port));
    l.process.send_signal(SIGINT);
    REQUIRE(l.process.wait(30s) == 0);
    // The last line; the datagram lines before it are not parsed (thousands).
    const auto& rest = l.process.stdout_rest();
    const auto last = rest.rfind('\n', rest.size() - 2);
    const std::string summary_line = rest.substr(last == std::string::npos ? 0 : last + 1);
    INFO("last line: " << summary_line);
    REQUIRE(summary_line.find("\"event\":\"summary\"") != std::string::npos);
    const auto summary = nlohmann::json::parse(summary_line);
    const auto drops = summary["kernel_drops"];
    REQUIRE(drops.is_number());
    CHECK(drops.get<std::uint64_t>() > 0);
    // Every datagram was either read or counted as dropped.
    CHECK(summary["datagrams"].get<std::uint64_t>() + drops.get<std::uint64_t>() == sent);
}

TEST_CASE("SIGTERM stops udp-listen with a summary and exit 0") {
    auto l = start_udp_listen({});
    l.process.send_signal(SIGTERM);
    CHECK(l.process.wait(20s) == 0);
    const auto rest = l.remaining_events();
    const auto summary = events_of(rest, "summary");
    REQUIRE(summary.size() == 1);
    CHECK(summary[0]["stopped_by"] == "signal");
}

TEST_CASE("a port out of range or a bad --bind is a usage error, and a port in use a failure in words") {
    auto r = run_netlab({"udp-listen", "65536"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("65536") != std::string::npos);
    r = run_netlab({"udp-listen", "5000", "--bind", "not-an-address"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--bind must be an IP address of this host") != std::string::npos);
    auto l = start_udp_listen({});
    r = run_netlab({"udp-listen", std::to_string(l.port), "--bind", "127.0.0.1"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("address already in use") != std::string::npos);
    CHECK(r.err.find('\n') == r.err.size() - 1);
}
