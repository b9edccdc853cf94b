// udp-send --probe and --ping against udp-listen: exact counts through the impairing relay,
// the closing handshake that brings the listener's report to the sender, several
// sessions apart, interval reports, and the pair across builds (under wine: netlab.exe
// on one side, the Linux build on the other, both ways).
#include <doctest/doctest.h>

#include <csignal>
#include <string>

#include "support/udp_peers.hpp"
#include "support/udp_relay.hpp"

using namespace netlab::test;

namespace {

// Runs `netlab --json udp-send 127.0.0.1 PORT ARGS...` with the given binary.
run_result send(const std::vector<std::string>& netlab, unsigned short port, const std::vector<std::string>& args) {
    auto argv = netlab;
    for (const char* a : {"--json", "udp-send", "127.0.0.1"}) argv.emplace_back(a);
    argv.push_back(std::to_string(port));
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, 60s);
}

nlohmann::json the_one(const std::vector<nlohmann::json>& events, const std::string& kind) {
    const auto found = events_of(events, kind);
    REQUIRE(found.size() == 1);
    return found[0];
}

// What the listener's summary says the kernel dropped at its socket (receive buffer full:
// it fell behind); 0 where the OS does not say (the emulated build).
std::uint64_t kernel_drops(const std::vector<nlohmann::json>& listener_events) {
    const auto s = events_of(listener_events, "summary");
    return s.size() == 1 && s[0]["kernel_drops"].is_number() ? s[0]["kernel_drops"].get<std::uint64_t>() : 0;
}

// Exact counts hold only if nothing was lost on the way by accident. Each test keeps its
// datagrams in flight below what a receive buffer holds at Linux's default limits (a 64-
// byte datagram takes 832 bytes of the 416 KiB netlab gets: 512 of them), so a loss here
// is a stall longer than the whole stream, and it is named as such.
void require_no_kernel_drops(std::uint64_t drops, const std::string& where) {
    REQUIRE_MESSAGE(drops == 0, "the kernel dropped " << drops << " datagrams at " << where
                                                     << " (its receive buffer was full: the program fell behind), "
                                                        "so the counts below cannot be exact");
}

void check_counts(const nlohmann::json& r, std::uint64_t expected, std::uint64_t lost, std::uint64_t duplicates,
                  std::uint64_t out_of_order, std::uint64_t extent, std::uint64_t bursts, std::uint64_t longest) {
    CHECK(r["expected"] == expected);
    CHECK(r["received"] == expected - lost);
    CHECK(r["lost"] == lost);
    CHECK(r["duplicates"] == duplicates);
    CHECK(r["out_of_order"] == out_of_order);
    CHECK(r["reorder_extent"] == extent);
    CHECK(r["loss_bursts"] == bursts);
    CHECK(r["longest_loss_burst"] == longest);
    CHECK(r["late"] == 0);
}

}  // namespace

TEST_CASE("through the impairing relay every count is exact, on the listener and on the sender") {
    auto l = start_udp_listen({});
    // Datagrams 10-12, 50 and the last (99) dropped; 20 twice; 30 swapped with 31; 40
    // three places late.
    udp_relay relay(l.port, {{10, 11, 12, 50, 99}, {20}, {{30, 1}, {40, 3}}});
    const auto r = send(netlab_command(), relay.port(), {"--probe", "--count", "100", "--rate", "2000"});
    INFO("stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    l.process.send_signal(SIGINT);
    CHECK(l.process.wait(20s) == 0);
    const auto events = l.remaining_events();
    require_no_kernel_drops(relay.kernel_drops(), "the relay");
    require_no_kernel_drops(kernel_drops(events), "the listener");

    const auto sender = json_lines(r.out);
    CHECK(the_one(sender, "probe_sent")["sent"] == 100);
    const auto seen_by_sender = the_one(sender, "probe_report");
    CHECK(seen_by_sender["view"] == "listener");
    check_counts(seen_by_sender, 100, 5, 1, 2, 3, 3, 3);
    const auto report = the_one(events, "probe_report");
    CHECK(report["reason"] == "closed");
    CHECK(report["session"] == seen_by_sender["session"]);
    check_counts(report, 100, 5, 1, 2, 3, 3, 3);
    CHECK(report["bytes"] == 95 * 64);
    CHECK(events_of(events, "datagram").empty());  // probe datagrams are counted, not shown
}

TEST_CASE("two senders to one listener are reported as two sessions") {
    auto l = start_udp_listen({});
    auto argv = netlab_command();
    for (const char* a : {"--json", "udp-send", "127.0.0.1"}) argv.emplace_back(a);
    argv.push_back(std::to_string(l.port));
    for (const char* a : {"--probe", "--count", "200", "--rate", "1000"}) argv.emplace_back(a);
    child a = child::start(argv);
    child b = child::start(argv);
    CHECK(a.wait(30s) == 0);
    CHECK(b.wait(30s) == 0);
    l.process.send_signal(SIGINT);
    CHECK(l.process.wait(20s) == 0);
    const auto events = l.remaining_events();
    require_no_kernel_drops(kernel_drops(events), "the listener");
    const auto ra = the_one(json_lines(a.stdout_rest()), "probe_report");
    const auto rb = the_one(json_lines(b.stdout_rest()), "probe_report");
    CHECK(ra["session"] != rb["session"]);
    CHECK(ra["received"] == 200);
    CHECK(rb["received"] == 200);
    const auto reports = events_of(events, "probe_report");
    REQUIRE(reports.size() == 2);
    CHECK(reports[0]["session"] != reports[1]["session"]);
    CHECK(reports[0]["peer"] != reports[1]["peer"]);
    for (const auto& rep : reports) check_counts(rep, 200, 0, 0, 0, 0, 0, 0);
    CHECK(the_one(events, "summary")["sessions"] == 2);
}

TEST_CASE("--interval reports a session as it goes, then once at its end") {
    // Reports every 0.1 s of a stream that lasts 2 s: a listener stalled for most of it
    // would still make two.
    auto l = start_udp_listen({"--interval", "0.1"});
    const auto r = send(netlab_command(), l.port, {"--probe", "--count", "200", "--rate", "100"});
    REQUIRE(r.exit_code == 0);
    l.process.send_signal(SIGINT);
    CHECK(l.process.wait(20s) == 0);
    const auto events = l.remaining_events();
    require_no_kernel_drops(kernel_drops(events), "the listener");
    const auto reports = events_of(events, "probe_report");
    REQUIRE(reports.size() >= 3);
    for (std::size_t i = 0; i + 1 < reports.size(); ++i) {
        CHECK(reports[i]["reason"] == "interval");
        CHECK(reports[i]["final"] == false);
        CHECK(reports[i]["received"] <= reports[i + 1]["received"]);
    }
    CHECK(reports.back()["reason"] == "closed");
    CHECK(reports.back()["received"] == 200);
}

TEST_CASE("a probe to a closed port stops at once: nothing listens, exit 1") {
    const auto r = send(netlab_command(), unused_udp_port(), {"--probe", "--duration", "5"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("nothing listens") != std::string::npos);
}

TEST_CASE("a probe to a peer that never reports ends after --timeout with exit 1") {
    // python takes the datagrams and says nothing.
    const char* sink =
        "import socket\n"
        "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1', 0))\n"
        "print(s.getsockname()[1], flush=True)\n"
        "s.settimeout(10)\n"
        "while True: s.recvfrom(65535)\n";
    unsigned short port = 0;
    child py = start_python_udp(sink, port);
    // Ended by --timeout in its own words ("within 0.5 s"), long before the run's deadline.
    const auto r = send(netlab_command(), port, {"--probe", "--count", "10", "--timeout", "0.5"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("no report from 127.0.0.1:" + std::to_string(port) + " within 0.5 s") != std::string::npos);
    CHECK(the_one(json_lines(r.out), "probe_sent")["sent"] == 10);
}

namespace {

// The pair across builds: a probe counted exactly and pings echoed, one end the tested
// build and the other the native one.
void check_pair(bool native_listener) {
    auto l = start_udp_listen({"--echo"}, native_listener);
    const auto sender = native_listener ? netlab_command() : native_netlab_command();
    const auto probe = send(sender, l.port, {"--probe", "--count", "300", "--rate", "1000"});
    INFO("probe stderr: " << probe.err);
    CHECK(probe.exit_code == 0);
    // Each ping reply may take 5 s.
    const auto ping = send(sender, l.port, {"--ping", "--count", "3", "--interval", "0.1", "--timeout", "5"});
    CHECK(ping.exit_code == 0);
    l.process.send_signal(SIGINT);
    CHECK(l.process.wait(20s) == 0);
    const auto events = l.remaining_events();
    require_no_kernel_drops(kernel_drops(events), "the listener");
    check_counts(the_one(json_lines(probe.out), "probe_report"), 300, 0, 0, 0, 0, 0, 0);
    CHECK(the_one(json_lines(ping.out), "ping_summary")["received"] == 3);
    CHECK(events_of(events, "datagram").size() == 3);  // the pings, shown and echoed
    CHECK(the_one(events, "summary")["echoed"] == 3);
}

}  // namespace

TEST_CASE("the tested build listens and the native build sends: probe counts and ping echoes") {
    check_pair(false);
}

TEST_CASE("the native build listens and the tested build sends: probe counts and ping echoes") {
    check_pair(true);
}
