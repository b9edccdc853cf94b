// netlab portscan against listeners the test opens: states, targets, port lists, output.
// Every scan here stays on ports the test owns (or port 1, which no test uses); the scans
// of ports it does not own are in test_portscan_exact.cpp, which runs alone.
#include <doctest/doctest.h>

#include <algorithm>
#include <csignal>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "e2e/portscan_fixture.hpp"
#include "support/process.hpp"

using namespace netlab::test;

namespace {

std::map<int, std::string> states_of(const std::string& out) {
    std::map<int, std::string> m;
    for (const auto& p : events(out, "port")) m[p["port"].get<int>()] = p["state"];
    return m;
}

// A python3 service on 127.0.0.1 that answers every connection on a thread of its own with
// `talk` (Python lines using the connection `c`, indented by 8), then closes it; a probe
// that already left with a RST is no error. The port is the first line it prints.
struct banner_service {
    child peer;
    std::string port;
};

banner_service start_banner_service(const std::string& talk) {
    auto peer = child::start({"python3", "-c",
                              "import socket,threading,time\n"
                              "s=socket.socket(); s.bind(('127.0.0.1',0)); s.listen(8)\n"
                              "print(s.getsockname()[1], flush=True)\n"
                              "def talk(c):\n"
                              "    try:\n" +
                                  talk +
                                  "    except OSError: pass\n"
                                  "    c.close()\n"
                                  "while True:\n"
                                  "    c,_=s.accept(); threading.Thread(target=talk,args=(c,),daemon=True).start()\n"});
    auto port = peer.read_line();
    if (!port) throw std::runtime_error("the python3 banner service did not print its port");
    return {std::move(peer), *port};
}
}  // namespace

TEST_CASE("listeners are open and a refusing port is closed with nmap's service names") {
    held_listener a, b;
    refusing_port closed;
    const auto r = run_netlab({"--json", "portscan", "127.0.0.1", "-p",
                               std::to_string(a.port()) + "," + std::to_string(b.port()) + "," + std::to_string(closed.port())});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto s = states_of(r.out);
    CHECK(s.at(a.port()) == "open");
    CHECK(s.at(b.port()) == "open");
    CHECK(s.at(closed.port()) == "closed");
    const auto ports = events(r.out, "port");
    for (const auto& p : ports) {
        CHECK(p["target"] == "127.0.0.1");
        CHECK(p["address"] == "127.0.0.1");
        CHECK(p["service"].is_string());
        CHECK(p["rtt_ms"].is_number());
    }
    const auto sum = events(r.out, "summary");
    REQUIRE(sum.size() == 1);
    CHECK(sum[0]["ports"] == 3);
    CHECK(sum[0]["open"] == 2);
    CHECK(sum[0]["closed"] == 1);
    CHECK(sum[0]["filtered"] == 0);
    CHECK(sum[0]["connects_per_s"].is_number());
}

TEST_CASE("the human table lists open ports like nmap and folds many closed ones into a count") {
    // 41 ports of our own, the last one listening.
    const auto block = owned_ports::block(41);
    block->listen(40);
    const auto r = run_netlab({"portscan", "127.0.0.1", "-p", std::to_string(block->port(0)) + "-" + std::to_string(block->port(40))});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("Scan report for 127.0.0.1") != std::string::npos);
    CHECK(r.out.find("PORT") != std::string::npos);
    CHECK(r.out.find(std::to_string(block->port(40)) + "/tcp") != std::string::npos);
    CHECK(r.out.find("40 closed ports") != std::string::npos);
    CHECK(r.out.find("Not shown: ") != std::string::npos);
    CHECK(r.out.find("closed ports") != std::string::npos);
    CHECK(r.out.find("Done: 127.0.0.1: ") != std::string::npos);
    CHECK(r.out.find("connects/s") != std::string::npos);
}

TEST_CASE("a few closed ports are listed and --open hides them") {
    refusing_port a, b;
    const auto spec = std::to_string(a.port()) + "," + std::to_string(b.port());
    auto r = run_netlab({"portscan", "127.0.0.1", "-p", spec});
    CHECK(r.out.find(std::to_string(a.port()) + "/tcp") != std::string::npos);
    r = run_netlab({"portscan", "127.0.0.1", "-p", spec, "--open"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find(std::to_string(a.port()) + "/tcp") == std::string::npos);
    r = run_netlab({"--json", "portscan", "127.0.0.1", "-p", spec, "--open"});
    CHECK(events(r.out, "port").empty());
    CHECK(events(r.out, "summary").at(0)["closed"] == 2);
}

TEST_CASE("a host name target says which address was scanned") {
    held_listener l;
    auto r = run_netlab({"--json", "portscan", "localhost", "-p", std::to_string(l.port())});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto p = events(r.out, "port").at(0);
    CHECK(p["target"] == "localhost");
    CHECK(p["address"] == "127.0.0.1");
    CHECK(p["state"] == "open");
    r = run_netlab({"portscan", "localhost", "-p", std::to_string(l.port())});
    CHECK(r.out.find("localhost (127.0.0.1)") != std::string::npos);
    CHECK(r.out.find("Other addresses for localhost (not scanned): ::1") != std::string::npos);
}

TEST_CASE("an IPv6 literal is scanned over IPv6") {
    if (!ipv6_loopback_available()) {
        MESSAGE("no IPv6 loopback here; skipped");
        return;
    }
    held_listener l("::1");
    refusing_port closed("::1");
    const auto r = run_netlab({"--json", "portscan", "::1", "-p", std::to_string(l.port()) + "," + std::to_string(closed.port())});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto s = states_of(r.out);
    CHECK(s.at(l.port()) == "open");
    CHECK(s.at(closed.port()) == "closed");
    CHECK(events(r.out, "port").at(0)["address"] == "::1");
}

TEST_CASE("a CIDR block 127.0.0.0/28 scans 16 addresses and only the listener's is open") {
    // The port is ours on all 16 addresses; only 127.0.0.5 listens.
    std::vector<std::string> block;
    block.reserve(16);
    for (int i = 0; i < 16; ++i) block.push_back("127.0.0." + std::to_string(i));
    const auto ports = owned_ports::same_port_on(block);
    ports->listen(5);
    REQUIRE(ports->address(5) == "127.0.0.5");
    const auto r = run_netlab({"--json", "portscan", "127.0.0.0/28", "-p", std::to_string(ports->port())});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    std::set<std::string> addresses, open;
    for (const auto& p : events(r.out, "port")) {
        addresses.insert(p["address"].get<std::string>());
        if (p["state"] == "open") open.insert(p["address"].get<std::string>());
    }
    CHECK(addresses.size() == 16);
    CHECK(addresses.count("127.0.0.0") == 1);
    CHECK(addresses.count("127.0.0.15") == 1);
    CHECK(open == std::set<std::string>{"127.0.0.5"});
    CHECK(events(r.out, "summary").at(0)["addresses"] == 16);
}

TEST_CASE("several targets and named services are scanned together") {
    held_listener l;
    // The listener is on 127.0.0.1 (localhost) only.
    const auto r = run_netlab({"--json", "portscan", "localhost", "127.0.0.2", "-p", "tcpmux," + std::to_string(l.port())});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto ports = events(r.out, "port");
    CHECK(ports.size() == 4);
    int open = 0;
    for (const auto& p : ports) open += p["state"] == "open" ? 1 : 0;
    CHECK(open == 1);
}

TEST_CASE("every bad port spec or target is exit 2 with one line saying what is expected") {
    const std::vector<std::vector<std::string>> bad = {
        {"-p", "0"},           {"-p", "65536"},          {"-p", "100-10"},          {"-p", "22,,80"},
        {"-p", "x y"},         {"-p", "U:53"},           {"-p", ""},                {"-p", "1-2-3"},
        {"-p", "nosuchname"},  {"-p", "22;80"},          {"--top-ports", "0"},      {"--top-ports", "1001"},
        {"--timeout", "0"},    {"--retries", "-1"},      {"--concurrency", "0"},    {"--max-rate", "0"},
        {"--wait", "-1"},      {"-4", "-6"},             {"-p", "22", "--top-ports", "10"},
    };
    for (const auto& extra : bad) {
        std::vector<std::string> args{"portscan", "127.0.0.1"};
        args.insert(args.end(), extra.begin(), extra.end());
        std::string shown;
        for (const auto& a : extra) shown += a + " ";
        INFO("args: " << shown);
        const auto r = run_netlab(args);
        INFO("stderr: " << r.err);
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
        CHECK(r.err.find('\n') == r.err.size() - 1);
    }
    const std::vector<std::vector<std::string>> bad_targets = {
        {"127.0.0.0/8"}, {"127.0.0.1/33"}, {"fd00::/64"}, {"host name"}, {"-4", "::1"}, {"-6", "127.0.0.1"}, {"1.2.3.4/x"},
        // Neither an address nor a host name: never a question for the resolver.
        {"300.1.1.1"}, {"127.0.0.1-"}, {"1.2.3"}, {"-host"}, {"host-.example"},
        // Link-local without its interface: no connect could say where it goes.
        {"fe80::1"}, {"fe80::/120"},
    };
    for (const auto& t : bad_targets) {
        std::vector<std::string> args{"portscan", "-p", "80"};
        args.insert(args.end(), t.begin(), t.end());
        const auto r = run_netlab(args);
        INFO("target: " << t.back() << " stderr: " << r.err);
        CHECK(r.exit_code == 2);
        CHECK(r.err.find('\n') == r.err.size() - 1);
        CHECK(r.err.find("netlab: ") == 0);
    }
    const auto r = run_netlab({"portscan", "127.0.0.1", "-p", "0"});
    CHECK(r.err.find("port 0") != std::string::npos);
    CHECK(r.err.find("expected") != std::string::npos);
}

TEST_CASE("an address given twice is scanned once") {
    held_listener l;
    const auto port = std::to_string(l.port());
    auto r = run_netlab({"--json", "portscan", "127.0.0.1", "127.0.0.1", "[127.0.0.1]", "-p", port});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(events(r.out, "port").size() == 1);
    CHECK(events(r.out, "summary").at(0)["ports"] == 1);
    // A block that holds an address given before, and a name for it.
    r = run_netlab({"--json", "portscan", "127.0.0.1", "127.0.0.0/30", "localhost", "-p", port});
    REQUIRE(r.exit_code == 0);
    std::multiset<std::string> addresses;
    for (const auto& p : events(r.out, "port")) addresses.insert(p["address"].get<std::string>());
    CHECK(addresses == std::multiset<std::string>{"127.0.0.0", "127.0.0.1", "127.0.0.2", "127.0.0.3"});
    r = run_netlab({"portscan", "127.0.0.1", "127.0.0.1", "-p", port});
    CHECK(r.out.find("Scan report for 127.0.0.1") == r.out.rfind("Scan report for 127.0.0.1"));
}

TEST_CASE("an IPv6 block keeps the interface of its link-local base address") {
    if (!ipv6_loopback_available() || under_emulator()) {
        MESSAGE("no IPv6 loopback (or interface names are the emulator's); skipped");
        return;
    }
    // fe80::1 is not on lo: whatever the answer, it is a state, never a fault.
    const auto r = run_netlab({"--json", "portscan", "fe80::1%lo/128", "-p", "9", "--timeout", "300", "--retries", "0"});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    const auto p = events(r.out, "port");
    REQUIRE(p.size() == 1);
    CHECK(p[0]["address"] == "fe80::1%lo");
    CHECK(events(r.out, "summary").at(0)["ports"] == 1);
}

TEST_CASE("a name that does not resolve is exit 1 and the other targets are still scanned") {
    refusing_port closed;
    const auto r = run_netlab({"--json", "portscan", "no-such-host.invalid", "127.0.0.1", "-p", std::to_string(closed.port())});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("no-such-host.invalid") != std::string::npos);
    CHECK(events(r.out, "port").size() == 1);
}

TEST_CASE("--banner shows what a service says first and escapes it") {
    if (!have_program("python3")) return;
    auto service = start_banner_service("        c.sendall(b'220 hello\\x01\\r\\n')\n");
    const auto& port = service.port;
    auto r = run_netlab({"portscan", "127.0.0.1", "-p", port, "--banner"});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("220 hello\\x01\\r\\n") != std::string::npos);
    r = run_netlab({"--json", "portscan", "127.0.0.1", "-p", port, "--banner"});
    CHECK(events(r.out, "port").at(0)["banner"] == "220 hello\x01\r\n");
    service.peer.send_signal(SIGKILL);
}

TEST_CASE("--banner reads a banner sent in pieces until its line ends") {
    if (!have_program("python3")) return;
    // One byte every 30 ms, then (after the line) more that is not part of the banner.
    auto service = start_banner_service("        for b in b'SSH-2.0-x\\r\\n':\n"
                                        "            c.sendall(bytes([b])); time.sleep(0.03)\n"
                                        "        time.sleep(0.3); c.sendall(b'more\\r\\n'); time.sleep(3)\n");
    const auto& port = service.port;
    const auto r = run_netlab({"--json", "portscan", "127.0.0.1", "-p", port, "--banner"});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(events(r.out, "port").at(0)["banner"] == "SSH-2.0-x\r\n");
    service.peer.send_signal(SIGKILL);
}

TEST_CASE("--banner reads a multi-line SMTP greeting to its last line") {
    if (!have_program("python3")) return;
    // RFC 5321 4.2.1: "220-" lines continue the reply, "220 " ends it; each line apart.
    auto service = start_banner_service("        for line in (b'220-mail.example ESMTP\\r\\n', b'220-no spam\\r\\n', b'220 ready\\r\\n'):\n"
                                        "            c.sendall(line); time.sleep(0.1)\n"
                                        "        time.sleep(3)\n");
    const auto& port = service.port;
    const auto r = run_netlab({"--json", "portscan", "127.0.0.1", "-p", port, "--banner"});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(events(r.out, "port").at(0)["banner"] == "220-mail.example ESMTP\r\n220-no spam\r\n220 ready\r\n");
    service.peer.send_signal(SIGKILL);
}

TEST_CASE("a binary banner's bytes are in JSON as base64 beside the text") {
    if (!have_program("python3")) return;
    auto service = start_banner_service("        c.sendall(b'\\x00\\xff\\xfe\\x80bin\\r\\n')\n");
    const auto& port = service.port;
    const auto r = run_netlab({"--json", "portscan", "127.0.0.1", "-p", port, "--banner"});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    const auto p = events(r.out, "port").at(0);
    CHECK(p["banner_base64"] == "AP/+gGJpbg0K");
    CHECK(p["banner"].is_string());
    service.peer.send_signal(SIGKILL);
}

TEST_CASE("a service that accepts and then resets is open on every scan") {
    resetting_listener l;
    const int runs = under_emulator() ? 5 : 25;
    for (int i = 0; i < runs; ++i) {
        CAPTURE(i);
        const auto r = run_netlab({"--json", "portscan", "127.0.0.1", "-p", std::to_string(l.port())});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        const auto p = events(r.out, "port").at(0);
        CHECK(p["state"] == "open");
        CHECK((p["reason"] == "connected" || p["reason"] == "reset"));
    }
}

TEST_CASE("a scan connects once per open port: a listener not accepting yet holds one connection per scan") {
    idle_listener l(8);
    const auto port = std::to_string(l.port());
    for (int i = 0; i < 3; ++i) {
        CAPTURE(i);
        std::vector<std::string> args{"--json", "portscan", "127.0.0.1", "-p", port};
        if (i == 2) args.emplace_back("--banner");  // a banner is read from that one connection
        const auto r = run_netlab(args);
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        CHECK(events(r.out, "port").at(0)["state"] == "open");
        CHECK(l.take_queued() == 1);
    }
}

TEST_CASE("a listener with the smallest accept queue is open") {
    // listen(0): one connection fits (Linux); a second connect would find the queue full.
    idle_listener l(0);
    const auto r = run_netlab({"--json", "portscan", "127.0.0.1", "-p", std::to_string(l.port())});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(events(r.out, "port").at(0)["state"] == "open");
    CHECK(l.take_queued() == 1);
}

TEST_CASE("--randomize still gives every port exactly one result") {
    const auto block = owned_ports::block(201);
    block->listen(200);
    const auto r = run_netlab({"--json", "portscan", "127.0.0.1", "--randomize", "-p",
                               std::to_string(block->port(0)) + "-" + std::to_string(block->port(200))});
    REQUIRE(r.exit_code == 0);
    std::multiset<int> seen;
    for (const auto& p : events(r.out, "port")) seen.insert(p["port"].get<int>());
    CHECK(seen.size() == 201);
    CHECK(std::set<int>(seen.begin(), seen.end()).size() == seen.size());
    const auto states = states_of(r.out);
    CHECK(states.at(block->port(200)) == "open");
    CHECK(std::count_if(states.begin(), states.end(), [](const auto& s) { return s.second == "closed"; }) == 200);
}

TEST_CASE("--trace shows each socket call for a small scan and a tally per outcome for a large one") {
    refusing_port closed;
    auto r = run_netlab({"--trace", "portscan", "127.0.0.1", "-p", std::to_string(closed.port())});
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("socket") != std::string::npos);
    CHECK(r.err.find("remote=127.0.0.1:" + std::to_string(closed.port())) != std::string::npos);
    CHECK(r.err.find("connection refused") != std::string::npos);
    const auto block = owned_ports::block(200);
    r = run_netlab({"--trace", "--json", "portscan", "127.0.0.1", "-p",
                    std::to_string(block->port(0)) + "-" + std::to_string(block->port(199))});
    CHECK(r.exit_code == 0);
    std::uint64_t connects = 0;
    for (const auto& t : json_lines(r.err))
        if (t["event"] == "trace_summary" && t["step"] == "connect") connects = t["count"];
    CHECK(connects >= 200);
    CHECK(r.err.find("\"event\":\"trace\"") == std::string::npos);
}

TEST_CASE("portscan --help shows defaults in words and examples") {
    const auto r = run_netlab({"portscan", "--help"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("Examples:") != std::string::npos);
    CHECK(r.out.find("(default 1)") != std::string::npos);
    CHECK(r.out.find("--wait") != std::string::npos);
}
