// udp-listen in a hostile world (issue 29): stoppable and reporting while a flood lasts,
// never blocked by a reader that stalls, ended quietly by a reader that goes (`| head -1`),
// never deaf when memory runs out, counting the kernel's drops for ordinary traffic, and
// meeting udp-send on `localhost`. Every flood here is bounded in count or time, and every
// process started is ended by its PID.
#include <doctest/doctest.h>

#include <sys/types.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "support/udp_peers.hpp"

using namespace netlab::test;
using clock_type = std::chrono::steady_clock;

namespace {

// python3: runs argv[1:] with its stdout a pipe that this script holds and does not read
// (a stalled `| less`), prints the program's PID, then waits for a line on stdin: "drain"
// reads the pipe to its end and prints the summary and lines_dropped events found there;
// reads the pipe from then on to its end, printing each summary and lines_dropped event as
// it comes; anything else (or EOF) reads nothing. Then prints "rc N", the program's status.
const char* stalled_reader =
    "import os, subprocess, sys\n"
    "r, w = os.pipe()\n"
    "p = subprocess.Popen(sys.argv[1:], stdout=w)\n"
    "os.close(w)\n"
    "print(p.pid, flush=True)\n"
    "if sys.stdin.readline().strip() == 'drain':\n"
    "    for line in os.fdopen(r, 'rb'):\n"
    "        if b'\"summary\"' in line or b'\"lines_dropped\"' in line: print(line.decode().strip(), flush=True)\n"
    "print('rc', p.wait(), flush=True)\n";

// udp-listen --json on 127.0.0.1:`port` with its stdout held unread by stalled_reader,
// once it receives: the wrapper's child and udp-listen's PID.
struct stalled_listener {
    child wrapper;
    pid_t pid;
};

stalled_listener start_behind_stalled_reader(unsigned short port) {
    std::vector<std::string> argv{"python3", "-c", stalled_reader};
    for (const auto& w : netlab_args({"--json", "udp-listen", std::to_string(port), "-b", "127.0.0.1"})) argv.push_back(w);
    auto r = child::start_with_stdin(argv);
    const auto pid_line = r.read_line(20s);
    REQUIRE(pid_line);
    const auto pid = static_cast<pid_t>(std::stol(*pid_line));
    REQUIRE(wait_for_udp_port(port, r));
    return {std::move(r), pid};
}

// python3: sends argv[2] datagrams of 200 bytes to 127.0.0.1:argv[1] as fast as it can.
const char* python_flood =
    "import socket, sys\n"
    "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
    "for _ in range(int(sys.argv[2])): s.sendto(b'x' * 200, ('127.0.0.1', int(sys.argv[1])))\n";

// Waits until the kernel holds nothing for the socket on `port`: its program has read all.
bool wait_until_read(unsigned short port, std::chrono::milliseconds timeout) {
    const auto until = clock_type::now() + timeout;
    while (!udp_queue_empty(port)) {
        if (clock_type::now() >= until) return false;
        std::this_thread::sleep_for(20ms);
    }
    return true;
}

// The command line of `netlab args...` under `ulimit -v kib` (exec: the PID is netlab's).
std::vector<std::string> with_address_space(long kib, const std::vector<std::string>& args) {
    std::vector<std::string> argv{"sh", "-c", "ulimit -v " + std::to_string(kib) + " && exec \"$@\"", "sh"};
    for (const auto& w : netlab_args(args)) argv.push_back(w);
    return argv;
}

}  // namespace

TEST_CASE("a flood never keeps Ctrl-C from stopping udp-listen, and --interval lines keep coming during it") {
    if (under_emulator()) {
        MESSAGE("skipped: signals and the kernel's counters are Linux's");
        return;
    }
    // Taking datagrams one by one (no GRO), the listener is slower than two udp-sends with
    // GSO: its socket is never empty while the flood lasts, so a receive never has to wait.
    auto l = start_udp_listen({"--interval", "0.2", "--no-offload"});
    // Two udp-sends at full speed: bounded in time; stopped by their PIDs below.
    const auto flood_argv = netlab_args({"udp-send", "--probe", "--rate", "0", "--duration", "60", "--size", "64",
                                         "127.0.0.1", std::to_string(l.port)});
    auto flood = child::start(flood_argv);
    auto flood2 = child::start(flood_argv);
    // Two interval lines that saw the flood: reports are made while it lasts.
    const auto busy = [](const nlohmann::json& e) {
        return e.value("event", "") == "interval" && e.value("datagrams", std::uint64_t{0}) > 1000;
    };
    REQUIRE_FALSE(l.wait_for(busy, 20s).is_null());
    // A second into the flood its socket no longer empties; three more lines while it lasts.
    std::this_thread::sleep_for(1s);
    for (int i = 0; i < 3; ++i) {
        l.seen.clear();
        REQUIRE_FALSE(l.wait_for(busy, 20s).is_null());
    }
    REQUIRE_FALSE(flood.exited());
    const auto signalled = clock_type::now();
    l.process.send_signal(SIGINT);
    // Generous: today's bound is a few milliseconds; before the fix it was the flood's end.
    const int code = l.process.wait(10s);
    const auto latency = std::chrono::duration<double, std::milli>(clock_type::now() - signalled).count();
    MESSAGE("udp-listen ended " << latency << " ms after SIGINT during the flood");
    CHECK_FALSE(l.process.killed_at_deadline());
    CHECK(code == 0);
    const auto summary = find_event(l.remaining_events(), "summary");
    REQUIRE_FALSE(summary.is_null());
    CHECK(summary["stopped_by"] == "signal");
    CHECK(summary["probe_datagrams"].get<std::uint64_t>() > 0);
    for (auto* f : {&flood, &flood2}) {
        f->send_signal(SIGKILL);
        f->wait(20s);
    }
}

TEST_CASE("--interval lines count ordinary traffic and the kernel's drops, human and JSON") {
    require_program("python3");
    if (under_emulator()) {
        MESSAGE("skipped: the emulated build cannot read the kernel's drop count");
        return;
    }
    auto l = start_udp_listen({"--interval", "0.1"});
    // Stopped, it reads nothing: the kernel drops most of 30,000 datagrams.
    l.process.send_signal(SIGSTOP);
    const auto py = run({"python3", "-c", python_flood, std::to_string(l.port), "30000"}, 60s);
    l.process.send_signal(SIGCONT);
    REQUIRE(py.exit_code == 0);
    const auto with_drops = l.wait_for(
        [](const nlohmann::json& e) {
            return e.value("event", "") == "interval" && e["kernel_drops"].is_number() &&
                   e.value("new_kernel_drops", std::uint64_t{0}) > 0;
        },
        20s);
    REQUIRE_FALSE(with_drops.is_null());
    CHECK(with_drops["datagrams"].get<std::uint64_t>() > 0);
    CHECK(with_drops["kernel_drops"].get<std::uint64_t>() >= with_drops["new_kernel_drops"].get<std::uint64_t>());
    l.process.send_signal(SIGINT);
    REQUIRE(l.process.wait(20s) == 0);

    // The same as a person reads it: counts grouped, drops in words.
    auto h = start_human_udp_listen({"--interval", "0.1"});
    h.process.send_signal(SIGSTOP);
    REQUIRE(run({"python3", "-c", python_flood, std::to_string(h.port), "30000"}, 60s).exit_code == 0);
    h.process.send_signal(SIGCONT);
    std::optional<std::string> line;
    const auto until = clock_type::now() + 20s;
    while (clock_type::now() < until) {
        line = h.process.read_line(1s);
        if (line && line->find("dropped by the kernel") != std::string::npos && line->find(" in all;") != std::string::npos) break;
        line.reset();
    }
    REQUIRE(line);
    INFO(*line);
    CHECK(std::regex_search(*line, std::regex(R"(^[0-9.]+ s: [0-9,]+ datagrams? \([0-9,]+ bytes?\) in the last [0-9.]+ s, [0-9,]+ in all; [0-9,]+ dropped by the kernel \(receive buffer full\))")));
    h.process.send_signal(SIGINT);
    CHECK(h.process.wait(20s) == 0);
}

TEST_CASE("a stalled reader never stops udp-listen receiving: lines are dropped and counted, and the summary says so") {
    require_program("python3");
    if (under_emulator()) {
        MESSAGE("skipped: the kernel's socket table is Linux's");
        return;
    }
    const auto port = unused_udp_port();
    auto stalled = start_behind_stalled_reader(port);
    auto& r = stalled.wrapper;
    const auto pid = stalled.pid;
    // 30,000 datagram lines are some 8 MB: far more than the pipe and the writer's queue.
    constexpr std::uint64_t sent = 30000;
    REQUIRE(run({"python3", "-c", python_flood, std::to_string(port), std::to_string(sent)}, 60s).exit_code == 0);
    // Receiving went on while nobody read: the kernel holds nothing for it.
    CHECK(wait_until_read(port, 20s));
    // The reader reads again; the next line that gets through (a datagram sent until it
    // does) comes after a notice of how many were lost before it.
    r.write_stdin("drain\n");
    const char* one = "import socket, sys\n"
                      "socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', ('127.0.0.1', int(sys.argv[1])))\n";
    std::optional<std::string> notice_line;
    const auto until = clock_type::now() + 20s;
    while (!notice_line && clock_type::now() < until) {
        run({"python3", "-c", one, std::to_string(port)}, 20s);
        while (!notice_line) {
            const auto l = r.read_line(200ms);
            if (!l) break;
            if (l->find("\"lines_dropped\"") != std::string::npos) notice_line = l;
        }
    }
    REQUIRE(notice_line);
    const auto notice = nlohmann::json::parse(*notice_line);
    CHECK(notice["lines"].get<std::uint64_t>() > 0);
    ::kill(pid, SIGINT);
    std::optional<std::string> summary_line;
    std::optional<std::string> rc_line;
    while (!rc_line) {
        const auto l = r.read_line(20s);
        if (!l) break;
        if (l->find("\"summary\"") != std::string::npos) summary_line = l;
        if (l->starts_with("rc ")) rc_line = l;
    }
    CHECK(r.wait(20s) == 0);
    CHECK_FALSE(r.killed_at_deadline());
    INFO("stderr: " << r.stderr_text());
    CHECK(rc_line == "rc 0");
    REQUIRE(summary_line);
    const auto summary = nlohmann::json::parse(*summary_line);
    CHECK(summary["dropped_lines"].get<std::uint64_t>() >= notice["lines"].get<std::uint64_t>());
    // Every datagram was read or counted by the kernel as dropped; the markers came on top.
    const auto accounted = summary["datagrams"].get<std::uint64_t>() + summary["kernel_drops"].get<std::uint64_t>();
    CHECK(accounted >= sent);
    CHECK(accounted < sent + 200);
}

TEST_CASE("Ctrl-C ends udp-listen while its reader is stalled") {
    require_program("python3");
    const auto port = unused_udp_port();
    auto stalled = start_behind_stalled_reader(port);
    auto& r = stalled.wrapper;
    const auto pid = stalled.pid;
    // Enough lines to fill the pipe: any write of udp-listen's would now block.
    REQUIRE(run({"python3", "-c", python_flood, std::to_string(port), "3000"}, 60s).exit_code == 0);
    if (!under_emulator()) CHECK(wait_until_read(port, 20s));
    r.close_stdin();  // the wrapper never reads
    const auto signalled = clock_type::now();
    ::kill(pid, SIGINT);
    CHECK(r.wait(20s) == 0);
    CHECK_FALSE(r.killed_at_deadline());
    MESSAGE("udp-listen ended " << std::chrono::duration<double, std::milli>(clock_type::now() - signalled).count()
                                << " ms after SIGINT with its reader stalled");
    CHECK(r.stdout_rest().find("rc 0\n") != std::string::npos);
}

TEST_CASE("a reader that goes away (| head -1) ends udp-listen quietly with 141, as SIGPIPE would") {
    require_program("python3");
    std::string line;
    for (const auto& a : netlab_command()) line += "'" + a + "' ";
    line += "--json udp-listen 0 -b 127.0.0.1 | head -1; exit ${PIPESTATUS[0]}";
    auto c = child::start({"bash", "-c", line});
    const auto listening = c.read_line(20s);
    REQUIRE(listening);
    const auto event = nlohmann::json::parse(*listening);
    REQUIRE(event["event"] == "listening");
    const auto port = std::to_string(event["port"].get<unsigned>());
    // Its next line finds the pipe closed: each datagram is a line. Sent until it ends
    // (bounded: one a 50 ms, for at most 20 s).
    const char* one = "import socket, sys\n"
                      "socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'hi', ('127.0.0.1', int(sys.argv[1])))\n";
    const auto until = clock_type::now() + 20s;
    while (!c.exited() && clock_type::now() < until) {
        run({"python3", "-c", one, port}, 20s);
        std::this_thread::sleep_for(50ms);
    }
    const int code = c.wait(20s);
    CHECK_FALSE(c.killed_at_deadline());
    CHECK(code == 141);
    CHECK(c.stderr_text().empty());
}

TEST_CASE("-b localhost listens on ::1 and 127.0.0.1, so udp-send localhost meets it either way") {
    auto l = start_udp_listen({"-b", "localhost", "--echo"});
    const auto& addresses = l.listening["addresses"];
    REQUIRE(addresses.is_array());
    CHECK(addresses.size() == 2);
    CHECK(l.listening["address"] == "::1");
    const auto port = std::to_string(l.port);
    for (const std::string host : {"localhost", "127.0.0.1", "::1"}) {
        const auto r = run_netlab({"--json", "udp-send", host, port, "hello " + host, "--timeout", "5"}, 30s);
        INFO(host << ": " << r.out << r.err);
        CHECK(r.exit_code == 0);
        CHECK(r.out.find("\"event\":\"reply\"") != std::string::npos);
        const auto got = l.wait_for([&](const nlohmann::json& e) { return e.value("payload", "") == "hello " + host; }, 20s);
        CHECK_FALSE(got.is_null());
    }
    l.process.send_signal(SIGINT);
    CHECK(l.process.wait(20s) == 0);
    const auto summary = find_event(l.remaining_events(), "summary");
    REQUIRE_FALSE(summary.is_null());
    CHECK(summary["datagrams"] == 3);
}

TEST_CASE("the human summary says 1 datagram (not 1 datagrams) and names the kernel's drops") {
    // --count, not --timeout: a sender slow to start on a loaded machine changes nothing.
    auto l = start_human_udp_listen({"--count", "1"});
    const char* one = "import socket, sys\n"
                      "socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'hi', ('127.0.0.1', int(sys.argv[1])))\n";
    require_program("python3");
    REQUIRE(run({"python3", "-c", one, std::to_string(l.port)}, 20s).exit_code == 0);
    CHECK(l.process.wait(20s) == 0);
    const auto& out = l.process.stdout_rest();
    INFO(out);
    CHECK(out.find("(count): 1 datagram, 2 bytes, 0 truncated, 0 echoed, 0 probe datagrams in 0 sessions; ") !=
          std::string::npos);
    CHECK((out.find("none dropped by the kernel") != std::string::npos ||
           out.find("kernel drops not counted on this OS") != std::string::npos));
}

TEST_CASE("udp-listen short of memory at any limit: it receives everything or ends with the resource line, never deaf") {
    if (under_emulator() || under_sanitizer()) {
        MESSAGE("skipped: ulimit does not bind an emulated program, and a sanitizer reserves memory of its own");
        return;
    }
    require_program("python3");
    // The smallest address space (KiB) in which netlab starts at all.
    long low = 1024, high = 1024 * 1024;
    REQUIRE(run(with_address_space(high, {"--version"}), 30s).exit_code == 0);
    while (high - low > 256) {
        const long mid = (low + high) / 2;
        (run(with_address_space(mid, {"--version"}), 30s).exit_code == 0 ? high : low) = mid;
    }
    // 300 probe sessions of 4 datagrams each (more sessions than the table keeps): it reads
    // every one (or the kernel counts it as dropped), or it says what ran out. A listener
    // gone deaf leaves them in the kernel's queue, counted nowhere.
    constexpr int sessions = 300;
    constexpr int per_session = 4;
    const char* probes =
        "import socket, struct, sys, time\n"
        "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
        "for i in range(int(sys.argv[2])):\n"
        "    for seq in range(int(sys.argv[3])):\n"
        "        s.sendto(struct.pack('>4sBBHQQq', b'NLUP', 1, 1, 0, i + 1, seq, 0) + bytes(32), ('127.0.0.1', int(sys.argv[1])))\n"
        "    if i % 8 == 7: time.sleep(0.002)\n";
    static const std::regex resource(R"(netlab: out of (memory|threads)[^\n]*: [^\n]+\n)");
    int resource_lines = 0;
    int heard_in_a_row = 0;
    for (long v = high + 256; heard_in_a_row < 4 && v < high + 256 * 1024; v += 1024) {
        const auto port = unused_udp_port();
        auto c = child::start(with_address_space(
            v, {"--json", "udp-listen", std::to_string(port), "-b", "127.0.0.1", "--count",
                std::to_string(sessions * per_session), "--timeout", "3"}));
        const auto first = c.read_line(20s);
        const bool listening = first && first->find("\"event\":\"listening\"") != std::string::npos;
        if (listening)
            run({"python3", "-c", probes, std::to_string(port), std::to_string(sessions), std::to_string(per_session)}, 30s);
        const int code = c.wait(30s);
        const std::string& err = c.stderr_text();
        INFO("udp-listen under ulimit -v " << v << ": exit " << code << ", first line: " << first.value_or("")
                                           << ", stderr: " << err);
        CHECK_FALSE(c.killed_at_deadline());
        if (std::regex_match(err, resource)) {
            CHECK(code == 1);
            ++resource_lines;
            heard_in_a_row = 0;
            continue;
        }
        // Not a word about resources: then it listened and took every datagram from the
        // kernel (stopped by --count, or by --timeout after the kernel dropped some).
        REQUIRE(listening);
        CHECK(code == 0);
        const auto summary = find_event(json_lines(c.stdout_rest()), "summary");
        REQUIRE_FALSE(summary.is_null());
        CHECK(summary["probe_datagrams"].get<std::uint64_t>() + summary["kernel_drops"].get<std::uint64_t>() ==
              sessions * per_session);
        ++heard_in_a_row;
    }
    CHECK(resource_lines > 0);
    CHECK(heard_in_a_row == 4);
}
