// What serve-http shows about requests: --echo answers with the request itself, --dump
// reports the head exactly as received, and the JSON access log has one event per request.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "support/http_peers.hpp"
#include "support/loopback.hpp"
#include "support/netlab_server.hpp"

using namespace netlab::test;

namespace {

// The next event of this kind, skipping others, or null at the deadline.
nlohmann::json next_of(netlab_server& s, const std::string& kind, std::chrono::milliseconds timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return nullptr;
        auto e = s.next_event(left);
        if (e.is_null()) return nullptr;
        if (e.value("event", "") == kind) return e;
    }
}

}  // namespace

TEST_CASE("--echo answers a POST with its own head and body as text/plain") {
    if (!have_program("curl")) FAIL("curl is not installed (scripts/test installs it)");
    temp_dir dir;
    auto s = start_server(dir.path(), {"--echo"});
    const auto c = curl({"-X", "POST", "-H", "X-Probe: 42", "--data-binary", "field=value&other=1", s.url("/some/path?q=1")});
    REQUIRE(c.run.exit_code == 0);
    const auto& r = c.response;
    CHECK(r.status == 200);
    CHECK(r.header("Content-Type").rfind("text/plain", 0) == 0);
    CHECK(r.body.rfind("POST /some/path?q=1 HTTP/1.1\r\n", 0) == 0);
    CHECK(r.body.find("\r\nX-Probe: 42\r\n") != std::string::npos);
    CHECK(r.body.find("\r\nContent-Length: 19\r\n") != std::string::npos);
    const auto blank = r.body.find("\r\n\r\n");
    REQUIRE(blank != std::string::npos);
    CHECK(r.body.substr(blank + 4) == "field=value&other=1");

    // A GET is echoed too, with no body after the head.
    const auto g = curl({s.url("/x")}).response;
    CHECK(g.status == 200);
    CHECK(g.body.rfind("GET /x HTTP/1.1\r\n", 0) == 0);
    CHECK(g.body.size() == g.body.find("\r\n\r\n") + 4);
}

TEST_CASE("--dump reports the request head exactly as sent and the body size") {
    temp_dir dir;
    dir.write("a.txt", "a\n");
    auto s = start_server(dir.path(), {"--dump"});
    // Odd but valid spelling, ordering and spacing must survive unchanged.
    const std::string head = "POST /a.txt?x=%41 HTTP/1.1\r\nhOsT: 127.0.0.1\r\nX-Empty:\r\nX-Spaces:   padded   \r\n"
                             "Content-Length: 7\r\n\r\n";
    raw_connection c(s.port);
    c.send(head + "payload");
    const auto r = parse_response(c.read_response());
    CHECK(r.status == 405);
    const auto dump = next_of(s, "dump");
    REQUIRE(dump.is_object());
    CHECK(dump["head"] == head);
    CHECK(dump["body_bytes"] == 7);
    CHECK(dump["client"].get<std::string>().rfind("127.0.0.1:", 0) == 0);

    c.send("GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(parse_response(c.read_response()).body == "a\n");
    const auto second = next_of(s, "dump");
    REQUIRE(second.is_object());
    CHECK(second["head"] == "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(second["body_bytes"] == 0);
}

TEST_CASE("the JSON access log has one request event per request with the documented fields") {
    temp_dir dir;
    dir.write("a.txt", "0123456789");
    auto s = start_server(dir.path());
    raw_connection c(s.port);
    c.send("GET /a.txt?v=1 HTTP/1.1\r\nHost: x\r\n\r\n");
    c.read_response();
    c.send("HEAD /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
    c.read_response();
    c.send("GET /nope HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    const auto missing = parse_response(c.read_response());

    std::vector<nlohmann::json> events;
    for (int i = 0; i < 3; ++i) events.push_back(next_of(s, "request"));
    for (const auto& e : events) {
        REQUIRE(e.is_object());
        for (const char* field : {"time", "client", "method", "target", "version", "status", "bytes", "duration_ms"})
            CHECK_MESSAGE(e.contains(field), "missing field " << field << " in " << e.dump());
        CHECK(std::regex_match(e["time"].get<std::string>(),
                               std::regex("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z")));
        CHECK(std::regex_match(e["client"].get<std::string>(), std::regex("127\\.0\\.0\\.1:\\d+")));
        CHECK(e["duration_ms"].is_number());
        CHECK(e["duration_ms"].get<double>() >= 0);
        CHECK(e["status"].is_number_integer());
        CHECK(e["bytes"].is_number_integer());
    }
    CHECK(events[0]["client"] == events[1]["client"]);
    CHECK(events[0]["method"] == "GET");
    CHECK(events[0]["target"] == "/a.txt?v=1");
    CHECK(events[0]["version"] == "HTTP/1.1");
    CHECK(events[0]["status"] == 200);
    CHECK(events[0]["bytes"] == 10);
    CHECK(events[1]["method"] == "HEAD");
    CHECK(events[1]["status"] == 200);
    CHECK(events[1]["bytes"] == 0);
    CHECK(events[2]["method"] == "GET");
    CHECK(events[2]["target"] == "/nope");
    CHECK(events[2]["version"] == "HTTP/1.0");
    CHECK(events[2]["status"] == 404);
    CHECK(events[2]["bytes"] == missing.body.size());

    // Exactly one per request: nothing more arrives.
    CHECK(next_of(s, "request", 500ms).is_null());
}

TEST_CASE("a malformed request is logged once with its 4xx status") {
    temp_dir dir;
    auto s = start_server(dir.path());
    const auto raw = exchange(s.port, "GET /x HTTP/1.1\r\nHost : x\r\n\r\n");
    CHECK(parse_response(raw).status == 400);
    const auto e = next_of(s, "request");
    REQUIRE(e.is_object());
    CHECK(e["status"] == 400);
    CHECK(next_of(s, "request", 500ms).is_null());
}
