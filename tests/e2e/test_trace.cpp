// --trace teaches the socket API: each call in the order it happens, with the handle and
// addresses, end of stream shown as the peer closing (not as an error), the options that
// matter, and the listening socket's close at shutdown.
#include <doctest/doctest.h>

#include <csignal>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "support/loopback.hpp"
#include "support/netlab_server.hpp"
#include "support/process.hpp"

using namespace netlab::test;

namespace {

// The JSON trace records on a stream (stderr), in order.
std::vector<nlohmann::json> trace_records(const std::string& text) {
    std::vector<nlohmann::json> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_object() && j.value("event", "") == "trace") out.push_back(std::move(j));
    }
    return out;
}

// "step" or "step detail" for each record of one handle, in order.
std::vector<std::string> steps_of(const std::vector<nlohmann::json>& records, std::uint64_t handle) {
    std::vector<std::string> out;
    for (const auto& r : records)
        if (r["handle"].get<std::uint64_t>() == handle)
            out.push_back(r["step"].get<std::string>() + (r.contains("detail") ? " " + r["detail"].get<std::string>() : ""));
    return out;
}

std::string joined(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : " | ") + x;
    return s;
}

}  // namespace

TEST_CASE("serve-http --trace: socket, SO_REUSEADDR, bind, listen; accept, TCP_NODELAY, recv, send, end of stream, close; "
          "the listening socket closed at shutdown") {
    temp_dir dir;
    dir.write("a.txt", "hello");
    auto s = start_server(dir.path(), {"--trace", "--threads", "1"});
    {
        raw_connection c(s.port);
        c.send("GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
        CHECK(c.read_response().find("hello") != std::string::npos);
    }  // the client closes: the server reads end of stream
    // The server logs the request before its next recv sees end of stream: wait for the access line.
    CHECK(s.next_event()["event"] == "request");
    std::this_thread::sleep_for(200ms);
    s.process.send_signal(SIGINT);
    REQUIRE(s.process.wait(10s) == 0);
    const auto records = trace_records(s.process.stderr_text());
    REQUIRE(records.size() >= 8);

    const auto listener = records.front()["handle"].get<std::uint64_t>();
    const auto listening = joined(steps_of(records, listener));
    INFO("listening socket: " << listening);
    CHECK(listening.rfind("socket AF_INET, SOCK_STREAM | setsockopt SO_REUSEADDR=1 | bind | listen backlog", 0) == 0);
    CHECK(listening.ends_with("| close"));

    std::uint64_t conn = 0;
    for (const auto& r : records)
        if (r["step"] == "accept") conn = r["handle"].get<std::uint64_t>();
    REQUIRE(conn != 0);
    const auto conn_steps = joined(steps_of(records, conn));
    INFO("connection: " << conn_steps);
    CHECK(conn_steps.find("accept | setsockopt TCP_NODELAY=1 | recv | send | recv peer closed (end of stream) | close") !=
          std::string::npos);
    for (const auto& r : records) {
        if (r["handle"].get<std::uint64_t>() != conn || r["step"] != "recv" || !r.contains("detail")) continue;
        CHECK(r["bytes"] == 0);
        CHECK_FALSE(r.contains("error"));  // the peer closing is not an error
    }
}

TEST_CASE("get --trace: a failed connect names the address it tried, in words") {
    // A port nobody listens on: take one from a listener, then close it.
    unsigned short port = 0;
    {
        temp_dir dir;
        auto s = start_server(dir.path());
        port = s.port;
        s.process.send_signal(SIGINT);
        s.process.wait(10s);
    }
    const auto r = run_netlab({"get", "--trace", "--color", "never", "--connect-timeout", "5",
                               "http://127.0.0.1:" + std::to_string(port) + "/"});
    CHECK(r.exit_code == 7);
    INFO("stderr: " << r.err);
    const std::string expected = "remote=127.0.0.1:" + std::to_string(port) + " error: connection refused";
    const auto connect_line = r.err.find("trace connect");
    REQUIRE(connect_line != std::string::npos);
    CHECK(r.err.find(expected, connect_line) != std::string::npos);
}

TEST_CASE("human trace lines say how many bytes moved and show end of stream in words") {
    temp_dir dir;
    dir.write("a.txt", "hello");
    auto s = start_server(dir.path());
    const auto r = run_netlab({"get", "--trace", "--color", "never", s.url("/a.txt")});
    CHECK(r.exit_code == 0);
    INFO("stderr: " << r.err);
    CHECK(r.err.find("trace setsockopt handle=") != std::string::npos);
    CHECK(r.err.find("TCP_NODELAY=1") != std::string::npos);
    CHECK(r.err.find(" bytes") != std::string::npos);
    CHECK(r.err.find("error") == std::string::npos);
}
