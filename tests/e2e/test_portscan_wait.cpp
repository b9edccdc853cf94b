// --wait (the wait-for-it.sh replacement) and the filtered state, which loopback only
// shows behind a firewall rule: made in a network namespace of the test's own.
#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "e2e/portscan_fixture.hpp"
#include "support/process.hpp"

using namespace netlab::test;

namespace {

// The netlab command line as one shell word list (for `unshare ... sh -c`).
std::string shell_command(const std::vector<std::string>& args) {
    std::string cmd;
    for (const auto& a : netlab_command()) cmd += "'" + a + "' ";
    for (const auto& a : args) cmd += "'" + a + "' ";
    return cmd;
}

}  // namespace

TEST_CASE("--wait exits 0 once a listener appears after a delay") {
    // Bound now, refusing; made to listen once the scan has been refused at least once.
    asio::io_context ctx;
    asio::ip::tcp::acceptor listener(ctx, asio::ip::tcp::v4());
    listener.bind({asio::ip::make_address("127.0.0.1"), 0});
    const auto port = std::to_string(listener.local_endpoint().port());
    auto scan = child::start([&] {
        auto cmd = netlab_command();
        for (const char* a : {"--trace", "--json", "portscan", "127.0.0.1", "--wait", "60", "-p"}) cmd.emplace_back(a);
        cmd.push_back(port);
        return cmd;
    }());
    const auto refused = scan.wait_for_stderr_line(
        [&port](std::string_view line) {
            return line.find("\"step\":\"connect\"") != std::string_view::npos &&
                   line.find(":" + port + "\"") != std::string_view::npos && line.find("refused") != std::string_view::npos;
        },
        20s);
    INFO("stderr: " << scan.stderr_text());
    REQUIRE(refused.has_value());
    listener.listen();
    const auto line = scan.read_line(20s);
    REQUIRE(line.has_value());
    const auto j = nlohmann::json::parse(*line);
    CHECK(j["event"] == "port");
    CHECK(j["state"] == "open");
    CHECK(j["waited_s"].get<double>() > 0);  // it was refused first, and waited
    CHECK(scan.wait(20s) == 0);
}

TEST_CASE("--wait for a port that never opens exits 1 after its time and names the port") {
    refusing_port closed;
    const auto r = run_netlab({"--json", "portscan", "127.0.0.1", "--wait", "1.5", "-p", std::to_string(closed.port())}, 30s);
    CHECK(r.exit_code == 1);
    // Its own clock: it waited the whole --wait (the run's deadline is only a backstop).
    const auto sum = events(r.out, "summary").at(0);
    CHECK(sum["all_open"] == false);
    CHECK(sum["waited_s"].get<double>() >= 1.5);
    CHECK(r.err.find("not open after") != std::string::npos);
    CHECK(r.err.find("port " + std::to_string(closed.port()) + " (closed") != std::string::npos);
    CHECK(r.err.find('\n') == r.err.size() - 1);
}

TEST_CASE("--wait succeeds on a listener whose accept queue takes one connection") {
    // A server still starting (listen(0), not accepting yet): what --wait is for. `bash -c
    // 'echo > /dev/tcp/127.0.0.1/PORT'` connects here; so must the scan, with that one slot.
    idle_listener l(0);
    const auto r = run_netlab({"--json", "portscan", "127.0.0.1", "--wait", "20", "-p", std::to_string(l.port())}, 60s);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(events(r.out, "summary").at(0)["all_open"] == true);
    CHECK(l.take_queued() == 1);
}

TEST_CASE("--wait succeeds on a service that accepts and then resets") {
    resetting_listener l;
    const int runs = under_emulator() ? 2 : 8;
    for (int i = 0; i < runs; ++i) {
        CAPTURE(i);
        const auto r = run_netlab({"--json", "portscan", "127.0.0.1", "--wait", "20", "-p", std::to_string(l.port())}, 60s);
        INFO(r.err);
        CHECK(r.exit_code == 0);
        CHECK(events(r.out, "summary").at(0)["rounds"] == 1);
    }
}

TEST_CASE("an interrupted --wait prints what it found so far") {
    held_listener open;
    refusing_port closed;
    const auto closed_port = std::to_string(closed.port());
    auto scan = child::start([&] {
        auto cmd = netlab_command();
        for (const char* a : {"--trace", "portscan", "127.0.0.1", "--wait", "60", "-p"}) cmd.emplace_back(a);
        cmd.push_back(std::to_string(open.port()) + "," + closed_port);
        return cmd;
    }());
    const auto line = scan.read_line(20s);
    INFO("stderr: " << scan.stderr_text());
    REQUIRE(line.has_value());
    CHECK(line->find("port " + std::to_string(open.port()) + " open after") != std::string::npos);
    // Refused at least once, so there is a state to report.
    REQUIRE(scan.wait_for_stderr_line(
        [&](std::string_view l) { return l.find(":" + closed_port) != std::string_view::npos && l.find("refused") != std::string_view::npos; },
        20s));
    scan.send_signal(SIGINT);
    CHECK(scan.wait(20s) == 130);
    const auto& rest = scan.stdout_rest();
    INFO("stdout: " << rest);
    CHECK(rest.find("Interrupted") != std::string::npos);
    CHECK(rest.find("1 of 2 ports open") != std::string::npos);
    CHECK(rest.find("port " + closed_port + " (closed: connection refused)") != std::string::npos);
}

TEST_CASE("--wait with several ports waits for all of them") {
    held_listener open;
    refusing_port closed;
    const auto r = run_netlab({"--json", "portscan", "127.0.0.1", "--wait", "1", "-p",
                               std::to_string(open.port()) + "," + std::to_string(closed.port())});
    CHECK(r.exit_code == 1);
    const auto sum = events(r.out, "summary").at(0);
    CHECK(sum["all_open"] == false);
    CHECK(sum["not_open"] == 1);
}

TEST_CASE("filtered: a DROP rule and an ICMP unreachable in a network namespace of our own") {
    if (const char* emulator = std::getenv("NETLAB_EMULATOR"); emulator != nullptr && *emulator != '\0') {
        // wine connects in its wineserver, which stays in the namespace it started in.
        MESSAGE("under an emulator the sockets are not in the test's namespace; skipped");
        return;
    }
    if (!have_program("unshare") || !have_program("iptables") ||
        run({"unshare", "-n", "sh", "-c", "ip link set lo up && iptables -w 5 -S >/dev/null"}).exit_code != 0) {
        MESSAGE("cannot make a network namespace with a firewall here; the state logic is unit-tested instead");
        return;
    }
    // In the new namespace nothing listens: 7 is closed, 9 is dropped (no answer), 10 is
    // answered with ICMP host-unreachable, 11 is refused by the local firewall (EPERM).
    // -w: iptables takes a lock shared by every namespace; another test may hold it.
    const auto script = "ip link set lo up && iptables -w 5 -A INPUT -p tcp --dport 9 -j DROP && "
                        "iptables -w 5 -A INPUT -p tcp --dport 10 -j REJECT --reject-with icmp-host-unreachable && "
                        "iptables -w 5 -A OUTPUT -p tcp --dport 11 -j DROP && exec " +
                        shell_command({"--json", "portscan", "127.0.0.1", "-p", "7,9-11", "--timeout", "300"});
    const auto r = run({"unshare", "-n", "sh", "-c", script}, std::chrono::seconds(60));
    INFO("stderr: " << r.err << " stdout: " << r.out);
    REQUIRE(r.exit_code == 0);
    std::map<int, nlohmann::json> by_port;
    for (const auto& p : events(r.out, "port")) by_port[p["port"].get<int>()] = p;
    CHECK(by_port.at(7)["state"] == "closed");
    CHECK(by_port.at(9)["state"] == "filtered");
    CHECK(by_port.at(9)["reason"] == "timed_out");
    CHECK(by_port.at(9)["rtt_ms"].is_null());
    CHECK(by_port.at(10)["state"] == "filtered");
    CHECK(by_port.at(10)["reason"] == "host_unreachable");
    CHECK(by_port.at(11)["state"] == "filtered");
    const auto sum = events(r.out, "summary").at(0);
    CHECK(sum["filtered"] == 3);
    CHECK(sum["connects"] == 7);  // a retry for each filtered port
}

TEST_CASE("a scan that meets a fault says Stopped, not Done") {
    if (const char* emulator = std::getenv("NETLAB_EMULATOR"); emulator != nullptr && *emulator != '\0') {
        MESSAGE("under an emulator the sockets are not in the test's namespace; skipped");
        return;
    }
    if (!have_program("unshare") || !have_program("iptables") ||
        run({"unshare", "-n", "sh", "-c", "ip link set lo up && iptables -w 5 -S >/dev/null"}).exit_code != 0) {
        MESSAGE("cannot make a network namespace with a firewall here; skipped");
        return;
    }
    // An ICMP protocol-unreachable answer fails the connect with ENOPROTOOPT, which no
    // port state describes: the scan stops there.
    const auto script = "ip link set lo up && "
                        "iptables -w 5 -A INPUT -p tcp --dport 12 -j REJECT --reject-with icmp-proto-unreachable && exec " +
                        shell_command({"portscan", "127.0.0.1", "-p", "12"});
    const auto r = run({"unshare", "-n", "sh", "-c", script}, std::chrono::seconds(60));
    INFO("stderr: " << r.err << " stdout: " << r.out);
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("Done:") == std::string::npos);
    CHECK(r.out.find("Stopped: 127.0.0.1: ") != std::string::npos);
    CHECK(r.err.find("scan stopped at 127.0.0.1:12") != std::string::npos);
}
