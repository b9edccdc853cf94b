// Scans of ports the test does not own, run alone (RUN_SERIAL: tests/e2e/CMakeLists.txt):
// the default 1000 most common ports, and exactness: a full scan of 127.0.0.1 reports
// precisely the ports that listen, every time, and leaves no TIME_WAIT sockets behind.
// Other programs (another test run, anything else on the machine) may open and close
// listeners while this runs, so the comparison with the OS's own list is made robust:
// every listener this test holds must be found; every port reported open must have been
// seen listening (ss, polled before, during and after the scan) or accept a connection
// now; every port that listened both before and after but was not reported open must
// refuse a connection now too (a listener on [::] with IPV6_V6ONLY, or one whose accept
// queue is full). Where it can, the full-range test runs in a network namespace of its
// own, out of reach of other programs' listeners: a test server elsewhere that lives a few
// milliseconds (port 0: in the ephemeral range, as a scan reaches it) can be found open by
// the scan and missed by ss.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include "e2e/portscan_fixture.hpp"
#include "support/peers.hpp"
#include "support/process.hpp"

using namespace netlab::test;

namespace {

// Ports with a listener reachable at 127.0.0.1, as `ss -Htln` reports them.
std::set<int> os_listening() {
    std::set<int> ports;
    const auto r = run({"ss", "-Htln"});
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) {
        std::istringstream words(line);
        std::string state, recvq, sendq, local;
        words >> state >> recvq >> sendq >> local;
        const auto colon = local.rfind(':');
        if (colon == std::string::npos) continue;
        const auto address = local.substr(0, colon);
        if (address == "0.0.0.0" || address == "127.0.0.1" || address == "*" || address == "[::]" ||
            address == "[::ffff:127.0.0.1]")
            ports.insert(std::stoi(local.substr(colon + 1)));
    }
    return ports;
}

// Every port seen listening while `busy` runs: ss polled in the background, since other
// tests' servers may start and stop in the middle of a scan.
template <class F>
std::set<int> listening_during(F&& busy) {
    std::set<int> seen = os_listening();
    std::atomic<bool> done{false};
    std::mutex m;
    std::thread poller([&] {
        while (!done) {
            const auto now = os_listening();
            std::lock_guard lock(m);
            seen.insert(now.begin(), now.end());
        }
    });
    busy();
    done = true;
    poller.join();
    const auto after = os_listening();
    seen.insert(after.begin(), after.end());
    return seen;
}

bool connects_now(int port) { return wait_for_port(static_cast<unsigned short>(port), std::chrono::milliseconds(300)); }

// The tests here never run at once: ctest runs each alone (RUN_SERIAL), and this lock
// keeps two test runs (two build trees) apart too. The full-range scan connects to every
// port, the other test's listeners too, and checks some ports with a plain connect, whose
// ordinary close leaves a TIME_WAIT that the other test would count as the scan's.
class one_at_a_time {
public:
    one_at_a_time() : fd_(::open("/tmp/netlab-e2e-portscan-exact.lock", O_CREAT | O_RDWR, 0666)) {
        if (fd_ >= 0) ::flock(fd_, LOCK_EX);  // released by close, or when the process ends
    }
    ~one_at_a_time() {
        if (fd_ >= 0) ::close(fd_);
    }
    one_at_a_time(const one_at_a_time&) = delete;
    one_at_a_time& operator=(const one_at_a_time&) = delete;

private:
    int fd_;
};

// Moves this test process (and the programs it starts) into a new network namespace with
// only its loopback up; false where that is not allowed, or under an emulator (wine
// connects in its wineserver, which stays where it started).
bool own_network_namespace() {
    if (under_emulator() || !have_program("ip")) return false;
    const int before = ::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    if (before < 0) return false;
    bool moved = ::unshare(CLONE_NEWNET) == 0;
    if (moved && run({"ip", "link", "set", "lo", "up"}).exit_code != 0) {
        moved = false;  // no loopback to scan there: back to the machine's
        REQUIRE(::setns(before, CLONE_NEWNET) == 0);
    }
    ::close(before);
    return moved;
}

}  // namespace

TEST_CASE("a full-range scan of 127.0.0.1 matches the listening sockets three times in a row") {
    one_at_a_time lock;
    if (!have_program("ss")) {
        MESSAGE("ss not installed; skipped");
        return;
    }
    if (!own_network_namespace()) MESSAGE("scanning the machine's own loopback, other programs' listeners included");
    held_listener a, b, c;
    refusing_port closed;
    const std::set<int> held{a.port(), b.port(), c.port()};
    // Under an emulator (wine) every connect costs some twenty times more: one round.
    const char* emulator = std::getenv("NETLAB_EMULATOR");
    const int rounds = emulator != nullptr && *emulator != '\0' ? 1 : 3;
    for (int round = 1; round <= rounds; ++round) {
        CAPTURE(round);
        const auto before = os_listening();
        run_result r;
        // Natively a second; under wine some twenty times more, and more again under load.
        const auto seen = listening_during([&] { r = run_netlab({"--json", "portscan", "127.0.0.1", "-p-"}, std::chrono::seconds(rounds == 1 ? 400 : 120)); });
        const auto after = os_listening();
        INFO("stderr: " << r.err);
        REQUIRE(r.exit_code == 0);
        std::set<int> open;
        std::size_t results = 0;
        for (const auto& p : events(r.out, "port")) {
            ++results;
            const int port = p["port"].get<int>();
            if (p["state"] == "open") open.insert(port);
            // Loopback answers every probe, unless a listener's accept queue is full (it
            // drops SYNs): filtered only where something listened.
            if (p["state"] == "filtered")
                CHECK_MESSAGE(seen.count(port) == 1, "port " << port << " filtered though nothing listened there");
        }
        CHECK(results == 65535);
        CHECK(events(r.out, "summary").at(0)["ports"] == 65535);
        for (int p : held) CHECK_MESSAGE(open.count(p) == 1, "held listener " << p << " not reported open");
        CHECK(open.count(closed.port()) == 0);
        for (int p : open) {
            if (held.count(p)) continue;
            CHECK_MESSAGE((seen.count(p) || connects_now(p)),
                          "port " << p << " reported open but nothing listens there");
        }
        for (int p : before) {
            if (!after.count(p) || open.count(p)) continue;
            CHECK_MESSAGE(!connects_now(p), "port " << p << " listens but was not reported open");
        }
    }
}

TEST_CASE("an abortive close leaves no TIME_WAIT behind on either side") {
    if (!have_program("ss")) return;
    one_at_a_time lock;
    held_listener a, b;
    const auto filter = "( sport = :" + std::to_string(a.port()) + " or dport = :" + std::to_string(a.port()) +
                        " or sport = :" + std::to_string(b.port()) + " or dport = :" + std::to_string(b.port()) + " )";
    // TIME_WAIT sockets, one "local peer" line each. An earlier connection of another test
    // may have used one of these port numbers and still be in TIME_WAIT (60 s): only what
    // the scan adds counts.
    const auto time_wait = [&filter] {
        const auto r = run({"ss", "-Htan", "state", "time-wait", filter});
        CHECK(r.exit_code == 0);
        std::set<std::string> lines;
        std::istringstream in(r.out);
        for (std::string line; std::getline(in, line);)
            if (!line.empty()) lines.insert(line);
        return lines;
    };
    const auto before = time_wait();
    const auto r = run_netlab({"portscan", "127.0.0.1", "-p", std::to_string(a.port()) + "," + std::to_string(b.port())});
    REQUIRE(r.exit_code == 0);
    std::string added;
    for (const auto& line : time_wait())
        if (!before.count(line)) added += line + "\n";
    CHECK_MESSAGE(added.empty(), "the scan left TIME_WAIT behind:\n" << added);
}

TEST_CASE("the default is the 1000 most common ports and --top-ports takes fewer") {
    auto r = run_netlab({"--json", "portscan", "127.0.0.1"});
    CHECK(r.exit_code == 0);
    CHECK(events(r.out, "summary").at(0)["ports"] == 1000);
    r = run_netlab({"--json", "portscan", "127.0.0.1", "--top-ports", "10"});
    CHECK(events(r.out, "summary").at(0)["ports"] == 10);
    bool has_80 = false;
    for (const auto& p : events(r.out, "port")) has_80 = has_80 || p["port"] == 80;
    CHECK(has_80);
}
