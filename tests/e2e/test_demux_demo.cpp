// netlab demux-demo end to end: its JSON events show UDP delivering every datagram to one
// socket and TCP giving each connection its own; a person sees steps and pictures,
// coloured on a terminal and plain in a pipe; --step waits only for a person.
#include <doctest/doctest.h>

#include <sys/syscall.h>

#include <algorithm>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ip/udp.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <thread>

#include "support/netlab_server.hpp"
#include "support/process.hpp"

using namespace netlab::test;

namespace {

struct demo_run {
    run_result result;
    std::vector<nlohmann::json> events;
};

demo_run json_demo(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"--json", "demux-demo"};
    args.insert(args.end(), extra.begin(), extra.end());
    demo_run d{run_netlab(args), {}};
    d.events = json_lines(d.result.out);
    return d;
}

std::vector<nlohmann::json> calls(const std::vector<nlohmann::json>& events, const std::string& proto,
                                  const std::string& call) {
    std::vector<nlohmann::json> out;
    for (const auto& e : events)
        if (e.value("event", "") == "call" && e["proto"] == proto && e["call"] == call) out.push_back(e);
    return out;
}

std::string host_of(const std::string& endpoint) { return endpoint.substr(0, endpoint.rfind(':')); }
std::string port_of(const std::string& endpoint) { return endpoint.substr(endpoint.rfind(':') + 1); }

// True once a thread of `pid` is blocked in read() on its stdin, as the kernel shows it
// (/proc/PID/task/TID/syscall: the call's number, then its arguments, the descriptor first).
bool waits_reading_stdin(pid_t pid, std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    const std::string read_call = std::to_string(SYS_read) + " 0x0 ";
    while (std::chrono::steady_clock::now() < until) {
        std::error_code ec;
        for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
            std::ifstream in(task.path() / "syscall");
            std::string line;
            if (std::getline(in, line) && line.starts_with(read_call)) return true;
        }
        std::this_thread::sleep_for(10ms);
    }
    return false;
}

bool terminal_is_emulated() {
    if (!under_emulator()) return false;
    MESSAGE("skipped: a pseudo-terminal under an emulator is a console it redraws");
    return true;
}

}  // namespace

TEST_CASE("--json: every UDP datagram lands in the one UDP socket, from as many sources as clients") {
    const auto d = json_demo({"--clients", "4"});
    REQUIRE(d.result.exit_code == 0);
    const auto received = calls(d.events, "udp", "recvfrom");
    REQUIRE(received.size() == 4);
    std::set<std::string> sources;
    for (const auto& r : received) {
        CHECK(r["socket"] == received.front()["socket"]);
        CHECK(r["owner"] == "server");
        sources.insert(r["src"].get<std::string>());
        // The header as RFC 768 draws it, from the same datagram.
        CHECK(r["header"]["source_port"].get<unsigned>() == std::stoul(port_of(r["src"])));
        CHECK(r["header"]["destination_port"].get<unsigned>() == std::stoul(port_of(r["dst"])));
        CHECK(r["header"]["length"] == 8 + r["payload"].get<std::string>().size());
        CHECK(r["header"]["checksum"].is_number());
    }
    CHECK(sources.size() == 4);
    // The senders' own view: four sockets, each sendto from its own source.
    std::set<std::uint64_t> senders;
    for (const auto& s : calls(d.events, "udp", "sendto")) senders.insert(s["socket"].get<std::uint64_t>());
    CHECK(senders.size() == 4);
    const auto sockets = find_event(d.events, "sockets");
    REQUIRE(sockets.is_object());
    CHECK(sockets["proto"] == "udp");
    CHECK(sockets["sockets"].size() == 1);
    CHECK(sockets["sockets"][0]["from"].size() == 4);
}

TEST_CASE("--json: each TCP connection is accepted into a socket of its own with its own 4-tuple") {
    const auto d = json_demo({"--clients", "3"});
    REQUIRE(d.result.exit_code == 0);
    const auto accepted = calls(d.events, "tcp", "accept");
    REQUIRE(accepted.size() == 3);
    std::set<std::uint64_t> handles;
    std::set<std::string> tuples;
    for (const auto& a : accepted) {
        CHECK(a["socket"] != a["listener"]);
        handles.insert(a["socket"].get<std::uint64_t>());
        tuples.insert(a["src"].get<std::string>() + " " + a["dst"].get<std::string>());
    }
    CHECK(handles.size() == 3);
    CHECK(tuples.size() == 3);
    // Each accepted socket reads exactly its own client's bytes.
    for (const auto& r : calls(d.events, "tcp", "recv")) {
        if (r.value("bytes", 0) == 0) continue;
        for (const auto& a : accepted)
            if (a["socket"] == r["socket"]) CHECK(r["payload"] == "hello from client " + std::to_string(a["client"].get<unsigned>()));
    }
    const auto summary = find_event(d.events, "summary");
    CHECK(summary["udp_sockets"] == 1);
    CHECK(summary["tcp_sockets"] == 3);
    CHECK(summary["elapsed_s"].get<double>() > 0);
}

TEST_CASE("--json: two TCP clients on one source port from two addresses get two sockets, where the OS allows it") {
    const auto d = json_demo({"--clients", "2"});
    REQUIRE(d.result.exit_code == 0);
    const auto summary = find_event(d.events, "summary");
    const auto connects = calls(d.events, "tcp", "connect");
    REQUIRE(connects.size() == 2);
    if (!summary["distinct_addresses"].get<bool>()) {
        CHECK(summary["shared_source_port"].is_null());
        CHECK(find_event(d.events, "note").is_object());  // the fallback is said, not hidden
        return;
    }
    CHECK(port_of(connects[0]["src"]) == port_of(connects[1]["src"]));
    CHECK(host_of(connects[0]["src"]) == "127.0.0.2");
    CHECK(host_of(connects[1]["src"]) == "127.0.0.3");
    CHECK(std::to_string(summary["shared_source_port"].get<unsigned>()) == port_of(connects[0]["src"]));
    const auto accepted = calls(d.events, "tcp", "accept");
    REQUIRE(accepted.size() == 2);
    CHECK(accepted[0]["socket"] != accepted[1]["socket"]);
}

TEST_CASE("--json: port 0 binds one number for both protocols, and every socket is closed") {
    const auto d = json_demo();
    REQUIRE(d.result.exit_code == 0);
    const auto listen = calls(d.events, "tcp", "listen");
    const auto binds = calls(d.events, "udp", "bind");
    REQUIRE(listen.size() == 1);
    REQUIRE_FALSE(binds.empty());
    CHECK(listen[0]["dst"] == binds[0]["dst"]);
    std::set<std::uint64_t> opened, closed;
    for (const auto& e : d.events) {
        if (e.value("event", "") != "call") continue;
        if (e["call"] == "socket" || e["call"] == "accept") opened.insert(e["socket"].get<std::uint64_t>());
        if (e["call"] == "close") closed.insert(e["socket"].get<std::uint64_t>());
    }
    CHECK(opened == closed);
    std::vector<int> steps;
    for (const auto& s : events_of(d.events, "step")) steps.push_back(s["number"].get<int>());
    CHECK(steps == std::vector<int>{1, 2, 3, 4, 5, 6, 7});
}

TEST_CASE("in a pipe: the steps, the calls, both pictures and the explanation, without colour") {
    const auto r = run_netlab({"demux-demo"});
    REQUIRE(r.exit_code == 0);
    const auto out = lf_lines(r.out);
    CHECK(out.find("Step 1 of 7: Two servers, one port number") != std::string::npos);
    CHECK(out.find("recvfrom(") != std::string::npos);
    CHECK(out.find("UDP: 3 datagrams from 3 sources arrived in 1 socket") != std::string::npos);
    CHECK(out.find("TCP: 3 messages from 3 sources arrived in 3 sockets") != std::string::npos);
    CHECK(out.find("+- TCP listener") != std::string::npos);
    CHECK(out.find("What this showed:") != std::string::npos);
    CHECK(out.find('\x1b') == std::string::npos);
    CHECK(r.err.empty());
}

TEST_CASE("on a terminal: the same pictures, in colour") {
    if (terminal_is_emulated()) return;
    auto c = child::start_on_terminal(netlab_args({"demux-demo"}), {.out = true, .err = false});
    REQUIRE(c.wait(20s) == 0);
    const auto& t = c.terminal_text();
    CHECK(t.find("\x1b[1mStep 1 of 7") != std::string::npos);
    CHECK(t.find("UDP: 3 datagrams from 3 sources arrived in 1 socket") != std::string::npos);
    CHECK(t.find("\x1b[36m") != std::string::npos);  // client 1's colour
}

TEST_CASE("--step waits for Enter between steps when a person is at the terminal") {
    if (terminal_is_emulated()) return;
    auto c = child::start_on_terminal(netlab_args({"demux-demo", "--step", "--clients", "2"}),
                                      {.out = true, .err = true, .in = true});
    REQUIRE(c.wait_for_terminal("Press Enter for step 2 of 7", 20s));
    // It waits for the person: blocked reading the terminal, not going on by itself.
    REQUIRE(waits_reading_stdin(c.pid(), 20s));
    c.type("\n");
    REQUIRE(c.wait_for_terminal("Step 2 of 7", 20s));
    CHECK(c.terminal_text().find("Press Enter for step 2 of 7") < c.terminal_text().find("Step 2 of 7"));
    for (int i = 3; i <= 7; ++i) {
        REQUIRE(c.wait_for_terminal("Press Enter for step " + std::to_string(i), 20s));
        c.type("\n");
    }
    CHECK(c.wait(20s) == 0);
    CHECK(c.terminal_text().find("What this showed:") != std::string::npos);
}

TEST_CASE("--step does not wait when stdin is not a terminal") {
    const auto r = run_netlab({"demux-demo", "--step"}, 30s, "");
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("Press Enter") == std::string::npos);
    CHECK(lf_lines(r.out).find("What this showed:") != std::string::npos);
}

TEST_CASE("a --port that TCP already holds: exit 1 and one line naming the bind") {
    // A listener of our own on a free port, for the demo to collide with.
    asio::io_context io;
    asio::ip::tcp::acceptor holder(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    const auto port = std::to_string(holder.local_endpoint().port());
    const auto r = run_netlab({"demux-demo", "--port", port});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("netlab: demux-demo stopped at bind TCP 127.0.0.1:" + port + ": address already in use") == 0);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

TEST_CASE("--json: a failed call still ends with a summary event that names it") {
    asio::io_context io;
    asio::ip::tcp::acceptor holder(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    const auto port = std::to_string(holder.local_endpoint().port());
    const auto d = json_demo({"--port", port});
    CHECK(d.result.exit_code == 1);
    REQUIRE_FALSE(d.events.empty());
    const auto& last = d.events.back();
    CHECK(last["event"] == "summary");
    CHECK(last["error"] == "address_in_use");
    CHECK(last["stopped_at"] == "bind TCP 127.0.0.1:" + port);
    CHECK(last["message"] == "demux-demo stopped at bind TCP 127.0.0.1:" + port + ": address already in use");
    CHECK(d.result.err.find("netlab: demux-demo stopped at bind TCP") == 0);
    // A run that succeeds has no error in its summary.
    const auto ok = json_demo();
    REQUIRE(ok.result.exit_code == 0);
    CHECK_FALSE(ok.events.back().contains("error"));
}

TEST_CASE("-q: the two pictures and the explanation, without the steps and the calls") {
    const auto r = run_netlab({"-q", "demux-demo"});
    REQUIRE(r.exit_code == 0);
    const auto out = lf_lines(r.out);
    CHECK(out.find("UDP: 3 datagrams from 3 sources arrived in 1 socket") != std::string::npos);
    CHECK(out.find("TCP: 3 messages from 3 sources arrived in 3 sockets") != std::string::npos);
    CHECK(out.find("What this showed:") != std::string::npos);
    CHECK(out.find("Step 1 of 7") == std::string::npos);
    CHECK(out.find("recvfrom(") == std::string::npos);
    CHECK(r.err.empty());
}

TEST_CASE("datagrams from a sender outside the demo: the picture counts distinct sources, not datagrams") {
    if (terminal_is_emulated()) return;
    // --step holds the demo after step 1, with its UDP socket bound, while a sender on
    // 127.0.0.9 (not one of the clients) sends it 25 datagrams from one socket.
    auto c = child::start_on_terminal(netlab_args({"demux-demo", "--step", "--clients", "3"}),
                                      {.out = true, .err = true, .in = true});
    REQUIRE(c.wait_for_terminal("Press Enter for step 2 of 7", 20s));
    // The UDP socket's bind is the last one in step 1: "bind(6, 127.0.0.1:PORT) = 0".
    const std::regex udp_bind(R"(bind\(\d+, 127\.0\.0\.1:(\d+)\) = 0\r?\n)");
    std::string port;
    const auto& text = c.terminal_text();
    for (auto it = std::sregex_iterator(text.begin(), text.end(), udp_bind); it != std::sregex_iterator(); ++it)
        port = (*it)[1];
    REQUIRE_FALSE(port.empty());
    asio::io_context io;
    asio::ip::udp::socket foreign(io, asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.9"), 0));
    const asio::ip::udp::endpoint demo(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(std::stoi(port)));
    for (int i = 0; i < 25; ++i) foreign.send_to(asio::buffer(std::string("not from the demo")), demo);
    for (int i = 2; i <= 7; ++i) {
        REQUIRE(c.wait_for_terminal("Press Enter for step " + std::to_string(i), 20s));
        c.type("\n");
    }
    REQUIRE(c.wait(20s) == 0);
    const auto& t = c.terminal_text();
    CHECK(t.find("UDP: 28 datagrams from 4 sources arrived in 1 socket") != std::string::npos);
    // One row for the foreign sender, with its count; the explanation says where they came from.
    CHECK(t.find("\"not from the demo\" and 24 more datagrams") != std::string::npos);
    std::string prose = t;  // the explanation is wrapped: its lines joined again
    std::replace(prose.begin(), prose.end(), '\r', ' ');
    std::replace(prose.begin(), prose.end(), '\n', ' ');
    CHECK(prose.find("28 datagrams from 4 different sources") != std::string::npos);
    CHECK(prose.find("25 of them from senders outside this demo") != std::string::npos);
}

TEST_CASE("bad option values are refused in one line with exit 2") {
    auto r = run_netlab({"demux-demo", "--clients", "1"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--clients must be a whole number from 2 to 16") != std::string::npos);
    r = run_netlab({"demux-demo", "--port", "65536"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--port") != std::string::npos);
}
