// udp-listen and udp-send in a hostile world (docs/udp-probe.md, "Trust model"): crafted
// datagrams from python3 sockets make the listener drop, refuse and answer as the rules
// say; python3 listeners that lie make udp-send refuse their reports; spoofed datagrams
// (a raw socket, root only) cannot make --echo loop.
#include <doctest/doctest.h>

#include <unistd.h>

#include <csignal>
#include <string>

#include "support/udp_peers.hpp"

using namespace netlab::test;

namespace {

// Python helpers every script below starts with: a probe header (docs/udp-probe.md), a
// report's fields, and sockets on 127.0.0.1 whose waits are bounded.
constexpr const char* python_probe = R"(
import json, socket, struct, sys
dst = ('127.0.0.1', int(sys.argv[1]))
def hdr(t, sid, seq, size=64):
    b = b'NLUP' + bytes([1, t, 0, 0]) + struct.pack('>QQQ', sid, seq, 0)
    return b + bytes(max(0, size - len(b)))
def fields(r):
    n = struct.unpack('>I', r[32:36])[0]
    return list(struct.unpack('>%dQ' % n, r[36:36 + 8 * n]))
def sock():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(('127.0.0.1', 0))
    s.settimeout(20)
    return s
def answer(s, fin):
    s.sendto(fin, dst)
    r = s.recv(4096)
    return {'len': len(r), 'f': fields(r)}
)";

// Report fields by their place on the wire.
enum field { expected = 0, received = 1, lost = 2, first_sequence = 15, flags = 16 };

nlohmann::json python_lines(const std::string& script, const std::vector<std::string>& args) {
    require_program("python3");
    std::vector<std::string> argv{"python3", "-c", std::string(python_probe) + script};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto r = run(argv, 60s);
    INFO("python3 stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    const auto lines = json_lines(r.out);
    REQUIRE(!lines.empty());
    return lines.back();
}

std::vector<nlohmann::json> stop(netlab_server& l) {
    l.process.send_signal(SIGINT);
    CHECK(l.process.wait(20s) == 0);
    return l.remaining_events();
}

nlohmann::json summary_of(const std::vector<nlohmann::json>& events) {
    const auto s = events_of(events, "summary");
    REQUIRE(s.size() == 1);
    return s[0];
}

std::function<bool(const nlohmann::json&)> is_refusal(const std::string& reason) {
    return [reason](const nlohmann::json& e) { return e.value("event", "") == "refused" && e.value("reason", "") == reason; };
}

// A fake listener: answers every probe datagram of type `on` (1 data, 2 fin) with a
// report built by python expression `body` (over `sid`, `seq`: the session and the
// sequence it answers), once per fin or for the first data datagram only.
child fake_listener(const std::string& on, const std::string& body, unsigned short& port) {
    const std::string script = std::string(python_probe) + R"(
s = sock()
print(s.getsockname()[1], flush=True)
s.settimeout(30)
answered = False
while True:
    try: d, a = s.recvfrom(65536)
    except socket.timeout: break
    t = d[5]; sid, seq = struct.unpack('>QQ', d[8:24])
    if t != )" + on + R"( or (t == 1 and answered): continue
    answered = True
    f = )" + body + R"(
    s.sendto(hdr(3, sid, f[0], 32) + struct.pack('>I', len(f)) + struct.pack('>%dQ' % len(f), *f), a)
)";
    return start_python_udp(script, port, {"0"});
}

run_result probe_to(unsigned short port, std::vector<std::string> args) {
    auto argv = netlab_command();
    for (const char* a : {"--json", "udp-send", "127.0.0.1"}) argv.emplace_back(a);
    argv.push_back(std::to_string(port));
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, 60s);
}

// udp-send --probe of `count` datagrams at `rate` against a fake listener (as above),
// which is ended afterwards; returns what udp-send did and the fake's port.
std::pair<run_result, unsigned short> probe_against_fake(const std::string& on, const std::string& body,
                                                         const std::string& count, const std::string& rate) {
    unsigned short port = 0;
    auto fake = fake_listener(on, body, port);
    auto r = probe_to(port, {"--probe", "--count", count, "--rate", rate, "--timeout", "10"});
    fake.send_signal(SIGTERM);
    fake.wait(20s);
    return {std::move(r), port};
}

bool can_spoof() { return geteuid() == 0; }

// Sends one UDP datagram from 127.0.0.1:`from_port` to 127.0.0.1:`to_port` through a raw
// socket: a source port no socket of ours owns (or the listener's own), as a spoofer would.
void spoof(unsigned short from_port, unsigned short to_port) {
    const auto r = run({"python3", "-c", R"(
import socket, struct, sys
src, dst = int(sys.argv[1]), int(sys.argv[2])
payload = b'spoofed'
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)
s.sendto(struct.pack('!HHHH', src, dst, 8 + len(payload), 0) + payload, ('127.0.0.1', 0))
)",
                        std::to_string(from_port), std::to_string(to_port)},
                       30s);
    INFO("python3 stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
}

}  // namespace

TEST_CASE("a full session table drops a finished session before a live one, whose count stays whole") {
    auto l = start_udp_listen({"--max-sessions", "2"});
    const auto live = python_lines(R"(
import time
live, done, new = sock(), sock(), sock()
live.sendto(hdr(1, 0x1111000000000001, 0), dst)
time.sleep(0.05)  # the finished session is heard from after the live one
for i in range(5): done.sendto(hdr(1, 0x2222000000000002, i), dst)
answer(done, hdr(2, 0x2222000000000002, 5, 172))
new.sendto(hdr(1, 0x3333000000000003, 0), dst)  # the table is full: one must go
for i in range(1, 10): live.sendto(hdr(1, 0x1111000000000001, i), dst)
print(json.dumps(answer(live, hdr(2, 0x1111000000000001, 10, 172))))
)",
                                   {std::to_string(l.port)});
    const auto& f = live["f"];
    CHECK(f[expected] == 10);
    CHECK(f[received] == 10);  // before: dropped, begun again, "lost 1"
    CHECK(f[lost] == 0);
    REQUIRE(f.size() > flags);
    CHECK(f[flags] == 0);
    const auto events = stop(l);
    for (const auto& r : events_of(events, "probe_report")) CHECK(r["reason"] != "dropped");
    CHECK(summary_of(events)["evictions"] == 0);
}

TEST_CASE("a fin for a session never seen is answered 'unknown' and neither opens nor drops a session") {
    auto l = start_udp_listen({"--max-sessions", "1"});
    const auto out = python_lines(R"(
live, stranger = sock(), sock()
live.sendto(hdr(1, 0x1111000000000001, 0), dst)
unknown = answer(stranger, hdr(2, 0x9999000000000009, 5, 172))
for i in range(1, 5): live.sendto(hdr(1, 0x1111000000000001, i), dst)
print(json.dumps({'unknown': unknown, 'live': answer(live, hdr(2, 0x1111000000000001, 5, 172))}))
)",
                                  {std::to_string(l.port)});
    const auto& u = out["unknown"]["f"];
    REQUIRE(u.size() > flags);
    CHECK(u[flags] == 2);  // report_flag::unknown_session
    CHECK(u[expected] == 0);
    CHECK(u[received] == 0);
    const auto& f = out["live"]["f"];
    CHECK(f[expected] == 5);
    CHECK(f[received] == 5);  // before: the stranger's fin dropped it and "lost 1"
    CHECK(f[flags] == 0);
    const auto events = stop(l);
    const auto s = summary_of(events);
    CHECK(s["sessions"] == 1);
    CHECK(s["unknown_fins"] == 1);
    const auto refused = events_of(events, "refused");
    REQUIRE(refused.size() == 1);
    CHECK(refused[0]["reason"] == "unknown_fin");
    CHECK(refused[0]["session"] == "9999\u2026");
}

TEST_CASE("a session's id from another address is reported, not counted, and cannot close it") {
    auto l = start_udp_listen({});
    const auto out = python_lines(R"(
a, b = sock(), sock()
for i in range(5): a.sendto(hdr(1, 0x7777aaaabbbbcccc, i), dst)
for i in range(5, 10): b.sendto(hdr(1, 0x7777aaaabbbbcccc, i), dst)
other = answer(b, hdr(2, 0x7777aaaabbbbcccc, 10, 172))
print(json.dumps({'other': other, 'own': answer(a, hdr(2, 0x7777aaaabbbbcccc, 5, 172)),
                  'a': a.getsockname()[1], 'b': b.getsockname()[1]}))
)",
                                  {std::to_string(l.port)});
    CHECK(out["other"]["f"][flags] == 2);  // "no such session from you"
    const auto& f = out["own"]["f"];
    CHECK(f[expected] == 5);  // before: b's five counted (10) and b's fin closed it
    CHECK(f[received] == 5);
    CHECK(f[lost] == 0);
    const auto events = stop(l);
    const auto refused = events_of(events, "refused");
    REQUIRE(!refused.empty());
    CHECK(refused[0]["reason"] == "other_address");
    CHECK(refused[0]["source"] == "127.0.0.1:" + std::to_string(out["b"].get<int>()));
    CHECK(refused[0]["peer"] == "127.0.0.1:" + std::to_string(out["a"].get<int>()));
    CHECK(summary_of(events)["other_address"] == 6);  // five data and the fin
    const auto reports = events_of(events, "probe_report");
    REQUIRE(reports.size() == 1);
    CHECK(reports[0]["session"] == "7777\u2026");  // never the whole id
    for (const auto& e : events) CHECK(e.dump().find("aaaabbbbcccc") == std::string::npos);
}

TEST_CASE("a fin is never answered with more bytes than it had: a 32-byte fin gets no answer") {
    auto l = start_udp_listen({});
    // Fins of growing size for one session, then the full-size one: every answer comes in
    // order, so what the small ones got is what arrives before the last one's.
    const auto out = python_lines(R"(
s = sock()
for i in range(3): s.sendto(hdr(1, 0x4444000000000004, i), dst)
for size in [32, 100, 155, 156, 163, 164, 171]: s.sendto(hdr(2, 0x4444000000000004, 3, size), dst)
s.sendto(hdr(2, 0x4444000000000004, 3, 172), dst)
lengths = []
try:
    while not lengths or lengths[-1] != 172 or len(lengths) < 5: lengths.append(len(s.recv(4096)))
except socket.timeout: pass
print(json.dumps(lengths))
)",
                                  {std::to_string(l.port)});
    // 156 and 163 bytes hold 15 fields (156 bytes), 164 and 171 hold 16, 172 all 17.
    CHECK(out == nlohmann::json::parse("[156, 156, 164, 164, 172]"));
    const auto events = stop(l);
    CHECK(summary_of(events)["short_fins"] == 3);
    CHECK(events_of(events, "refused").size() == 1);  // said once for the session
}

TEST_CASE("udp-send names an inconsistent report invalid, shows none of it and exits 3") {
    // "received 105 of 100, lost 18446744073709551611", as the issue saw it accepted.
    const auto faked = probe_against_fake("2", "[seq, seq + 5, 2**64 - 5] + [0] * 14", "100", "2000");
    const run_result& r = faked.first;
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("invalid report from 127.0.0.1:" + std::to_string(faked.second)) != std::string::npos);
    CHECK(r.err.find("more were received than expected") != std::string::npos);
    CHECK(events_of(json_lines(r.out), "probe_report").empty());
    const auto sent = events_of(json_lines(r.out), "probe_sent");
    REQUIRE(sent.size() == 1);
    // The id the sender chose, shown as its first 4 hex digits only.
    const auto id = sent[0]["session"].get<std::string>();
    CHECK(id.size() == 4 + std::string("\u2026").size());
    CHECK(id.find_first_not_of("0123456789abcdef") == 4);
    CHECK(id.substr(4) == "\u2026");
}

TEST_CASE("udp-send refuses a report that comes before its fin") {
    // Answers the first data datagram with a report that would pass every other check.
    const auto faked = probe_against_fake("1", "[20, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 20 * 64, 1000, 0, 0]", "20", "200");
    const run_result& r = faked.first;
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == 3);  // before: taken as the listener's view, no fin sent, exit 0
    CHECK(r.err.find("came before our fin") != std::string::npos);
    CHECK(events_of(json_lines(r.out), "probe_report").empty());
}

TEST_CASE("udp-send says the listener lost track, not a loss figure, when it began the session again") {
    const auto faked = probe_against_fake("2", "[seq, seq - 17, 17, 0, 0, 0, 0, 1, 17, 0, 0, 0, 0, (seq - 17) * 64, 1000, 17, 1]", "60", "2000");
    const run_result& r = faked.first;
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("lost track of session") != std::string::npos);
    CHECK(r.err.find("counted only from datagram 17") != std::string::npos);
    CHECK(r.err.find('%') == std::string::npos);
    CHECK(events_of(json_lines(r.out), "probe_report").empty());
}

TEST_CASE("udp-send says the listener has no such session when the answer is 'unknown'") {
    const auto faked = probe_against_fake("2", "[0] * 16 + [2]", "10", "2000");
    const run_result& r = faked.first;
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("has no session") != std::string::npos);
    CHECK(events_of(json_lines(r.out), "probe_report").empty());
}

TEST_CASE("a live stream dropped for room makes udp-send say the listener lost track, and exit 3") {
    auto l = start_udp_listen({"--max-sessions", "1", "--interval", "0.05"});
    auto argv = netlab_command();
    for (const char* a : {"--json", "udp-send", "127.0.0.1"}) argv.emplace_back(a);
    argv.push_back(std::to_string(l.port));
    // 5 s of stream: time enough, even on a loaded machine, for the intruder to come mid-way.
    for (const char* a : {"--probe", "--count", "100", "--rate", "20", "--timeout", "10"}) argv.emplace_back(a);
    auto sender = child::start(argv);
    // The listener's own word that the stream is counted, then another session takes its place.
    REQUIRE(l.wait_for(is_event("probe_report")).is_object());
    python_lines("sock().sendto(hdr(1, 0x5555000000000005, 0), dst)\nprint('{}')\n", {std::to_string(l.port)});
    const auto dropped = l.wait_for([](const nlohmann::json& e) { return e.value("reason", "") == "dropped"; });
    REQUIRE(dropped.is_object());
    CHECK(sender.wait(60s) == 3);  // before: "received 34 of 60, lost 43 %", exit 0
    INFO("sender stderr: " << sender.stderr_text());
    CHECK(sender.stderr_text().find("lost track of session") != std::string::npos);
    std::vector<nlohmann::json> sent;
    while (const auto line = sender.read_line(1s)) sent.push_back(nlohmann::json::parse(*line));
    CHECK(events_of(sent, "probe_report").empty());
    const auto events = stop(l);
    bool closed_as_evicted = false;
    for (const auto& e : l.seen)
        if (e.value("reason", "") == "closed" && e.value("evicted", false) && e["first_sequence"] > 0) closed_as_evicted = true;
    for (const auto& e : events)
        if (e.value("reason", "") == "closed" && e.value("evicted", false) && e["first_sequence"] > 0) closed_as_evicted = true;
    CHECK(closed_as_evicted);
    CHECK(summary_of(events)["evictions"] == 2);  // the stream, then the intruder for it
}

TEST_CASE("--echo never answers its own address, on a specific or a wildcard bind") {
    if (!can_spoof()) {
        MESSAGE("skipped: a datagram from the listener's own port needs a raw socket (root)");
        return;
    }
    require_program("python3");
    for (const char* bind : {"127.0.0.1", "::"}) {
        INFO("--bind " << bind);
        auto l = start_udp_listen({"--echo", "--bind", bind});
        spoof(l.port, l.port);  // before: echoed to itself, and again, for ever
        CHECK(l.wait_for(is_refusal("echo_to_self")).is_object());
        const auto s = summary_of(stop(l));
        CHECK(s["echoed"] == 0);
        CHECK(s["echoes_to_self"] == 1);
        CHECK(s["datagrams"] == 1);
    }
}

TEST_CASE("one spoofed datagram between two echoing listeners stops bouncing at the echo limit") {
    if (!can_spoof()) {
        MESSAGE("skipped: a datagram from another listener's port needs a raw socket (root)");
        return;
    }
    require_program("python3");
    auto a = start_udp_listen({"--echo", "--echo-limit", "50"});
    auto b = start_udp_listen({"--echo", "--echo-limit", "50"});
    spoof(a.port, b.port);  // b echoes to a, a to b, ...: before, for ever
    nlohmann::json limited;
    for (auto until = std::chrono::steady_clock::now() + 20s; !limited.is_object() && std::chrono::steady_clock::now() < until;)
        for (auto* l : {&a, &b})
            if (!limited.is_object()) limited = l->wait_for(is_refusal("echo_rate_limited"), 100ms);
    CHECK(limited.is_object());
    const auto sa = summary_of(stop(a)), sb = summary_of(stop(b));
    const auto echoed = sa["echoed"].get<std::uint64_t>() + sb["echoed"].get<std::uint64_t>();
    MESSAGE("the spoofed datagram was echoed " << echoed << " times before the limit ended it");
    CHECK(sa["echoes_limited"].get<std::uint64_t>() + sb["echoes_limited"].get<std::uint64_t>() >= 1);
    CHECK(echoed >= 100);  // each had its burst of 50
}

TEST_CASE("udp-listen --help says what --echo will not do") {
    const auto r = run_netlab({"udp-listen", "--help"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("own address") != std::string::npos);
    CHECK(r.out.find("--echo-limit") != std::string::npos);
    CHECK(r.out.find("--max-sessions") != std::string::npos);
}
