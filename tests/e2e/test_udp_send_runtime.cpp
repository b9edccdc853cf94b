// udp-send's runtime in a hostile world (issue 29): every send loop stops on Ctrl-C at any
// pace with its summary; a flood ping tells its own socket's drops from path loss; a
// socket connected to itself is refused; a stdin line longer than a datagram is refused
// without being held whole; extreme values are refused at parse time; counts read as
// people write them.
#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "support/udp_peers.hpp"

using namespace netlab::test;
using namespace std::chrono_literals;

namespace {

// Takes nothing from its socket: the kernel drops what does not fit, silently.
const char* python_sink =
    "import socket, time\n"
    "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1', 0))\n"
    "print(s.getsockname()[1], flush=True)\n"
    "time.sleep(120)\n";

// Sends every datagram back, until 30 s pass without one (or argv[1] replies, if given,
// after which it closes its socket and exits).
const char* python_echo =
    "import socket, sys\n"
    "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1', 0)); s.settimeout(30)\n"
    "print(s.getsockname()[1], flush=True)\n"
    "left = int(sys.argv[1]) if len(sys.argv) > 1 else -1\n"
    "while left != 0:\n"
    "    data, peer = s.recvfrom(65535)\n"
    "    s.sendto(data, peer)\n"
    "    left -= 1\n"
    "s.close()\n"
    "print('closed', flush=True)\n";

struct interrupted_run {
    int exit_code = -1;
    std::vector<nlohmann::json> events;
    std::string err;
};

// Starts `p` (netlab --json udp-send ...), waits for its `sending` event, lets it flood a
// moment, sends SIGINT and waits (generously) for it to end; prints how long that took.
interrupted_run interrupt_while_sending(child& p, const std::string& what) {
    interrupted_run r;
    bool sending = false;
    while (const auto line = p.read_line(20s)) {
        r.events.push_back(nlohmann::json::parse(*line));
        if (r.events.back()["event"] == "sending") {
            sending = true;
            break;
        }
    }
    INFO("stderr: " << p.stderr_text());
    REQUIRE_MESSAGE(sending, "udp-send said no `sending` within 20 s");
    std::this_thread::sleep_for(300ms);  // well inside the flood
    const auto signalled = std::chrono::steady_clock::now();
    p.send_signal(SIGINT);
    r.exit_code = p.wait(20s);
    const auto took = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - signalled).count();
    MESSAGE(what << ": ended " << took << " ms after SIGINT (output drained by the test included)");
    CHECK_MESSAGE(!p.killed_at_deadline(), what << " did not stop within 20 s of SIGINT");
    for (auto& j : json_lines(p.stdout_rest())) r.events.push_back(std::move(j));
    r.err = p.stderr_text();
    return r;
}

}  // namespace

TEST_CASE("a message at --interval 0 stops on Ctrl-C with its summary and exit 130") {
    unsigned short port = 0;
    child sink = start_python_udp(python_sink, port);
    child p = child::start(netlab_args({"--json", "udp-send", "127.0.0.1", std::to_string(port), "flood", "--interval", "0",
                                        "--count", "4000000000", "--timeout", "0.1"}));
    const auto r = interrupt_while_sending(p, "message --interval 0");
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == 130);
    const auto s = events_of(r.events, "summary");
    REQUIRE(s.size() == 1);
    CHECK(s[0]["sent"].get<std::uint64_t>() > 0);
}

TEST_CASE("stdin lines as fast as they come stop on Ctrl-C with their summary and exit 130") {
    unsigned short port = 0;
    child sink = start_python_udp(python_sink, port);
    // stdin: 20 million lines, more than can be sent before the deadline; exec keeps
    // netlab's PID the child's, so the signal reaches it.
    std::vector<std::string> argv{"bash", "-c", "exec \"$@\" < <(yes x | head -c 40000000)", "bash"};
    for (auto& a : netlab_args({"--json", "udp-send", "127.0.0.1", std::to_string(port), "--timeout", "0.1"})) argv.push_back(a);
    child p = child::start(argv);
    const auto r = interrupt_while_sending(p, "stdin lines");
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == 130);
    const auto s = events_of(r.events, "summary");
    REQUIRE(s.size() == 1);
    CHECK(s[0]["sent"].get<std::uint64_t>() > 0);
}

TEST_CASE("a ping at --interval 0 stops on Ctrl-C with its summary") {
    unsigned short port = 0;
    child echo = start_python_udp(python_echo, port);
    child p = child::start(netlab_args({"--json", "udp-send", "127.0.0.1", std::to_string(port), "--ping", "--interval", "0",
                                        "--count", "50000000"}));
    const auto r = interrupt_while_sending(p, "ping --interval 0");
    INFO("stderr: " << r.err);
    // Ctrl-C ends a ping with its summary, exit 0 when replies came (as documented).
    CHECK(r.exit_code == 0);
    const auto s = events_of(r.events, "ping_summary");
    REQUIRE(s.size() == 1);
    CHECK(s[0]["sent"].get<std::uint64_t>() > 0);
    CHECK(s[0]["received"].get<std::uint64_t>() > 0);
}

TEST_CASE("a probe behind a rate of 1,000,000 without offload stops on Ctrl-C with both views") {
    auto l = start_udp_listen({});
    child p = child::start(netlab_args({"--json", "udp-send", "127.0.0.1", std::to_string(l.port), "--probe", "--rate",
                                        "1000000", "--no-offload", "--duration", "600", "--timeout", "20"}));
    const auto r = interrupt_while_sending(p, "probe --rate 1000000 --no-offload");
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == 0);  // the listener's report came back, as documented
    const auto sent = events_of(r.events, "probe_sent");
    REQUIRE(sent.size() == 1);
    CHECK(sent[0]["sent"].get<std::uint64_t>() > 0);
    CHECK(sent[0]["duration_s"].get<double>() < 600);
    const auto report = events_of(r.events, "probe_report");
    REQUIRE(report.size() == 1);
    CHECK(report[0]["expected"] == sent[0]["sent"]);
    l.process.send_signal(SIGINT);
    CHECK(l.process.wait(20s) == 0);
}

TEST_CASE("a flood ping counts replies its own socket dropped apart from loss on the path") {
    // Holds every request (until 2 s pass without one), then sends all the replies back at
    // once, as fast as it can, and prints how many it sent.
    const char* burst_echo =
        "import socket\n"
        "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
        "s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20); s.bind(('127.0.0.1', 0))\n"
        "print(s.getsockname()[1], flush=True)\n"
        "s.settimeout(30); held = [s.recvfrom(65535)]; s.settimeout(2)\n"
        "try:\n"
        "    while True: held.append(s.recvfrom(65535))\n"
        "except socket.timeout: pass\n"
        "for data, peer in held: s.sendto(data, peer)\n"
        "print(len(held), flush=True)\n";
    unsigned short port = 0;
    child echo = start_python_udp(burst_echo, port);
    const int count = 4000;
    const auto r = run_netlab({"--json", "udp-send", "127.0.0.1", std::to_string(port), "--ping", "--interval", "0",
                               "--count", std::to_string(count), "--timeout", "20"},
                              90s);
    INFO("stderr: " << r.err);
    const auto answered = echo.read_line(20s);
    REQUIRE(answered.has_value());
    const auto replied = std::stoull(*answered);
    const auto s = events_of(json_lines(r.out), "ping_summary");
    REQUIRE(s.size() == 1);
    REQUIRE(s[0].contains("receive_drops"));
    REQUIRE(s[0]["receive_drops"].is_number());  // Linux says (SO_MEMINFO)
    const auto received = s[0]["received"].get<std::uint64_t>();
    const auto drops = s[0]["receive_drops"].get<std::uint64_t>();
    MESSAGE(count << " requests, " << replied << " replies sent by the peer, " << received << " received, " << drops
                  << " dropped by udp-send's own receive buffer");
    // Every reply the peer sent either arrived or was dropped at our socket; only the
    // requests the peer never answered are lost on the path.
    CHECK(received + drops == replied);
    CHECK(s[0]["late"] == 0);
    CHECK(s[0]["lost_percent"].get<double>() ==
          doctest::Approx(100.0 * static_cast<double>(count - replied) / static_cast<double>(count)));
}

TEST_CASE("a socket connected to itself is refused in one line, never a successful ping") {
    const auto port = std::to_string(unused_udp_port());
    for (const auto& mode : std::vector<std::vector<std::string>>{{"--ping", "--count", "3", "--interval", "0.1"}, {"hello"}}) {
        std::vector<std::string> args{"udp-send", "127.0.0.1", port, "--source-port", port};
        args.insert(args.end(), mode.begin(), mode.end());
        const auto r = run_netlab(args);
        CAPTURE(mode[0]);
        INFO("stdout: " << r.out);
        CHECK(r.exit_code == 2);
        std::string says = "--source-port ";
        says += port;
        says += " sends to itself: 127.0.0.1:";
        says += port;
        CHECK(r.err.find(says) != std::string::npos);
        CHECK(r.err.find('\n') == r.err.size() - 1);
        CHECK(r.out.empty());
    }
}

TEST_CASE("a stdin line longer than any datagram is refused once the limit is read, not at its end") {
    // 70,000 bytes and no newline, stdin left open: the line's end never comes.
    child p = child::start_with_stdin(netlab_args({"udp-send", "127.0.0.1", "9"}));
    p.write_stdin(std::string(70000, 'x'));
    CHECK(p.wait(20s) == 2);
    CHECK_MESSAGE(!p.killed_at_deadline(), "udp-send waited for the end of an endless line");
    CHECK(p.stderr_text().find("message too long for a datagram: a line of more than 65527 bytes; a datagram holds at "
                               "most 65507 over IPv4") != std::string::npos);
}

TEST_CASE("extreme --rate values are refused at parse time in one line naming the range") {
    for (const std::string rate : {"1e-12", "0.0000001", "-1", "1e9", "nan", "inf"}) {
        CAPTURE(rate);
        const auto r = run_netlab({"udp-send", "127.0.0.1", "9", "--probe", "--rate", rate});
        CHECK(r.exit_code == 2);
        CHECK(r.err.find("--rate must be 0 (as fast as possible) or a number from 0.001 to 100000000 datagrams per "
                         "second, not '" + rate + "'") != std::string::npos);
        CHECK(r.err.find('\n') == r.err.size() - 1);
        CHECK(r.out.empty());
    }
}

TEST_CASE("udp-send counts in words: 1 datagram, 1 reply, grouped thousands, GSO only when used, no rate for one") {
    auto l = start_udp_listen({"--echo"});
    const auto port = std::to_string(l.port);
    // One probe datagram: no duration, so no rate; one datagram cannot be segmented.
    const auto one = run_netlab({"udp-send", "127.0.0.1", port, "--probe", "--count", "1", "--timeout", "20"});
    INFO("one: " << one.out << one.err);
    CHECK(one.exit_code == 0);
    CHECK(one.out.find("sent 1 datagram of 64 bytes (1 send call)") != std::string::npos);
    CHECK(one.out.find("GSO") == std::string::npos);
    const auto first_line = one.out.substr(0, one.out.find('\n', one.out.find("probe ")));
    CHECK(first_line.find("/s") == std::string::npos);
    const auto one_json = run_netlab({"--json", "udp-send", "127.0.0.1", port, "--probe", "--count", "1", "--timeout", "20"});
    const auto sent = events_of(json_lines(one_json.out), "probe_sent");
    REQUIRE(sent.size() == 1);
    CHECK(sent[0]["segmentation"] == false);
    CHECK(sent[0]["datagrams_per_s"].is_null());
    // Thousands grouped in the human line.
    const auto many = run_netlab({"udp-send", "127.0.0.1", port, "--probe", "--count", "3000", "--rate", "0", "--timeout", "20"});
    INFO("many: " << many.out << many.err);
    CHECK(many.out.find("sent 3,000 datagrams of 64 bytes in ") != std::string::npos);
    // A message and its echo, -v: "sent 1 datagram, 1 reply".
    const auto msg = run_netlab({"-v", "udp-send", "127.0.0.1", port, "hi", "--timeout", "5"});
    INFO("msg: " << msg.out << msg.err);
    CHECK(msg.exit_code == 0);
    CHECK((msg.out + msg.err).find("sent 1 datagram, 1 reply") != std::string::npos);
    l.process.send_signal(SIGINT);
    CHECK(l.process.wait(20s) == 0);
}

TEST_CASE("a peer that answers and then goes away is said to have gone away after its replies") {
    unsigned short port = 0;
    child echo = start_python_udp(python_echo, port, {"3"});
    const auto r = run_netlab({"udp-send", "127.0.0.1", std::to_string(port), "--ping", "--count", "100", "--interval",
                               "0.2", "--timeout", "5"},
                              90s);
    CHECK(echo.read_line(20s) == "closed");
    INFO("stdout: " << r.out);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("UDP 127.0.0.1:" + std::to_string(port) + " went away after 3 replies") != std::string::npos);
    CHECK(r.err.find("nothing listens on") == std::string::npos);
}

TEST_CASE("a listener killed mid-probe is described as refusing after the datagrams sent, not as never there") {
    auto l = start_udp_listen({});
    child p = child::start(netlab_args({"--json", "udp-send", "127.0.0.1", std::to_string(l.port), "--probe", "--rate",
                                        "1000", "--duration", "60"}));
    bool sending = false;
    while (const auto line = p.read_line(20s))
        if (nlohmann::json::parse(*line)["event"] == "sending") {
            sending = true;
            break;
        }
    REQUIRE(sending);
    std::this_thread::sleep_for(300ms);
    l.process.send_signal(SIGKILL);
    l.process.wait(20s);
    CHECK(p.wait(20s) == 1);
    INFO("stderr: " << p.stderr_text());
    CHECK(p.stderr_text().find("nothing listens on UDP 127.0.0.1:" + std::to_string(l.port) +
                               " now: it refused the probe after ") != std::string::npos);
}
