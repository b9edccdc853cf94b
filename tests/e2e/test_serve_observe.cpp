// What serve-http shows about requests: --echo answers with the request itself, --dump
// reports the head exactly as received and the body escaped, and the access log has one
// event per answer: refusals and cut-off responses included, control bytes escaped.
#include <doctest/doctest.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "support/http_peers.hpp"
#include "support/loopback.hpp"
#include "support/netlab_server.hpp"

using namespace netlab::test;

namespace {

// The next event of this kind, skipping others, or null at the deadline.
nlohmann::json next_of(netlab_server& s, const std::string& kind, std::chrono::milliseconds timeout = 20s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return nullptr;
        auto e = s.next_event(left);
        if (e.is_null()) return nullptr;
        if (e.value("event", "") == kind) return e;
    }
}

// The next request event whose target is `target`, skipping others (a stray connection
// from another test's scanner is refused and logged too), or null at the deadline.
nlohmann::json request_for(netlab_server& s, const std::string& target, std::chrono::milliseconds timeout = 20s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return nullptr;
        auto e = next_of(s, "request", left);
        if (e.is_null() || e.value("target", "") == target) return e;
    }
}

// Lines a human-mode server prints, up to and including the first that starts with `last`.
std::string lines_until(netlab_server& s, const std::string& last) {
    std::string text;
    while (const auto line = s.process.read_line(20s)) {
        text += lf_lines(*line) + "\n";
        if (line->rfind(last, 0) == 0) break;
    }
    return text;
}

bool has_control_bytes(const std::string& text) {
    return std::any_of(text.begin(), text.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return (u < 0x20 && c != '\n') || u == 0x7f;
    });
}

// A server with --max-connections 1 whose one connection is taken (served and kept
// open), so that the next one is refused.
struct full_server {
    temp_dir dir;
    netlab_server server;
    std::unique_ptr<raw_connection> held;
    full_server() {
        dir.write("a.txt", "a\n");
        server = start_server(dir.path(), {"-v", "--max-connections", "1"});
        held = std::make_unique<raw_connection>(server.port);
        held->send(get("/a.txt?held=1"));
        REQUIRE(parse_response(held->read_response()).status == 200);
    }
};

}  // namespace

TEST_CASE("--echo says it echoes, in words and in JSON, and names no folder") {
    temp_dir dir;
    auto echo = start_server(dir.path(), {"--echo"});
    CHECK(echo.listening["mode"] == "echo");
    CHECK_FALSE(echo.listening.contains("root"));
    auto files = start_server(dir.path());
    CHECK(files.listening["mode"] == "files");
    CHECK(files.listening.contains("root"));

    auto human = start_human_server(dir.path(), {"--echo"});
    CHECK(human.banner.rfind("Echoing every request back as text on:\n", 0) == 0);
    CHECK(human.banner.find("Serving") == std::string::npos);
    CHECK(start_human_server(dir.path()).banner.rfind("Serving ", 0) == 0);
}

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
    auto s = start_server(dir.path(), {"-v"});
    auto c_owner = std::make_unique<raw_connection>(s.port);
    auto& c = *c_owner;
    const std::string client = c.client();
    c.send("GET /a.txt?v=1 HTTP/1.1\r\nHost: x\r\n\r\n");
    c.read_response();
    c.send("HEAD /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
    c.read_until("\r\n\r\n");  // a HEAD answer has no body, whatever its Content-Length says
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

    // Exactly one per request: once the server reports the connection closed, it has
    // logged all it will for it.
    c_owner.reset();
    REQUIRE(s.wait_for_connection(client, "closed").is_object());
    const auto logged = std::count_if(s.seen.begin(), s.seen.end(), [&](const nlohmann::json& e) {
        return e.value("event", "") == "request" && e.value("client", "") == client;
    });
    CHECK(logged == 3);
}

TEST_CASE("-v reports each connection as it opens and as it closes, in JSON with the documented fields and in words") {
    temp_dir dir;
    dir.write("a.txt", "a\n");
    auto s = start_server(dir.path(), {"-v"});
    std::string client;
    {
        raw_connection c(s.port);
        client = c.client();
        for (int i = 0; i < 2; ++i) {
            c.send(get("/a.txt"));
            REQUIRE(parse_response(c.read_response()).status == 200);
        }
    }
    const auto opened = s.wait_for_connection(client, "open");
    const auto closed = s.wait_for_connection(client, "closed");
    REQUIRE(opened.is_object());
    REQUIRE(closed.is_object());
    for (const char* field : {"time", "state", "client", "worker", "open"}) {
        CHECK_MESSAGE(opened.contains(field), "missing field " << field << " in " << opened.dump());
        CHECK_MESSAGE(closed.contains(field), "missing field " << field << " in " << closed.dump());
    }
    CHECK(opened["open"] == 1);
    CHECK(closed["open"] == 0);
    CHECK(closed["worker"] == opened["worker"]);
    CHECK(closed["reason"] == "client closed");
    CHECK(closed["requests"] == 2);
    REQUIRE(closed.contains("idle_ms"));  // it closed waiting for a third request
    CHECK(closed["idle_ms"].get<double>() >= 0);
    CHECK(closed["since_accept_ms"].get<double>() >= closed["idle_ms"].get<double>());
    CHECK_FALSE(closed.contains("since_first_byte_ms"));  // it closed between requests
    CHECK_FALSE(closed.contains("refused"));
    // Opened before its first answer was logged, closed after its last.
    const auto requests_of = [&](const nlohmann::json& e) { return e.value("event", "") == "request" && e.value("client", "") == client; };
    CHECK(s.position(is_connection(client, "open")) < s.position(requests_of));
    std::ptrdiff_t last_request = -1;
    for (std::size_t i = 0; i < s.seen.size(); ++i)
        if (requests_of(s.seen[i])) last_request = static_cast<std::ptrdiff_t>(i);
    CHECK(last_request < s.position(is_connection(client, "closed")));

    // For a person: a line as it opens and one as it closes, between the access log's.
    auto human = start_human_server(dir.path(), {"-v"});
    {
        raw_connection c(human.port);
        c.send(get("/a.txt"));
        REQUIRE(parse_response(c.read_response()).status == 200);
    }
    std::string text;
    while (const auto line = human.process.read_line(20s)) {
        text += lf_lines(*line) + "\n";
        if (line->find(" connection closed: ") != std::string::npos) break;
    }
    CHECK(std::regex_search(text, std::regex(R"(Z 127\.0\.0\.1:\d+ connection opened \(worker \d+, 1 open\)\n)")));
    CHECK(std::regex_search(text, std::regex(R"(Z 127\.0\.0\.1:\d+ "GET /a\.txt HTTP/1\.1" 200 2 )")));
    CHECK_MESSAGE(std::regex_search(text, std::regex(R"(Z 127\.0\.0\.1:\d+ connection closed: client closed \(1 answer, \d+ ms after accept, idle \d+ ms; 0 open\)\n)")), text);
}

TEST_CASE("a malformed request is logged once with its 4xx status") {
    temp_dir dir;
    auto s = start_server(dir.path(), {"-v"});
    std::string client;
    {
        raw_connection c(s.port);
        client = c.client();
        c.send("GET /x HTTP/1.1\r\nHost : x\r\n\r\n");
        CHECK(parse_response(c.read_exactly(std::string::npos, 20s)).status == 400);  // until the server half-closes
    }
    // The server lingers after the error reply until the client closes, then closes.
    const auto closed = s.wait_for_connection(client, "closed");
    REQUIRE(closed.is_object());
    CHECK(closed["reason"] == "closed after the answer, then the client closed");
    std::vector<nlohmann::json> logged;
    for (const auto& e : s.seen)
        if (e.value("event", "") == "request" && e.value("client", "") == client) logged.push_back(e);
    REQUIRE(logged.size() == 1);
    CHECK(logged[0]["status"] == 400);
}

TEST_CASE("--dump carries the body in JSON, limited to 4 KiB with a truncated flag") {
    temp_dir dir;
    auto s = start_server(dir.path(), {"--dump"});
    raw_connection c(s.port);
    c.send("POST /form HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nfield=value");
    c.read_response();
    const auto small = next_of(s, "dump");
    REQUIRE(small.is_object());
    CHECK(small["body"] == "field=value");
    CHECK(small["body_bytes"] == 11);
    CHECK(small["body_truncated"] == false);

    const std::string big(10000, 'x');
    c.send("POST /form HTTP/1.1\r\nHost: x\r\nContent-Length: 10000\r\n\r\n" + big);
    c.read_response();
    const auto large = next_of(s, "dump");
    REQUIRE(large.is_object());
    CHECK(large["body"] == big.substr(0, 4096));
    CHECK(large["body_bytes"] == 10000);
    CHECK(large["body_truncated"] == true);

    c.send(get("/none"));
    c.read_response();
    const auto none = next_of(s, "dump");
    REQUIRE(none.is_object());
    CHECK(none["body"] == "");
    CHECK(none["body_truncated"] == false);
}

TEST_CASE("--dump shows a person the body with its length, control bytes escaped") {
    temp_dir dir;
    auto s = start_human_server(dir.path(), {"--dump"});
    raw_connection c(s.port);
    const std::string body = "name=caf\xc3\xa9\x1b[31m red\x07\r\nline2";  // 27 bytes
    c.send("POST /form HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
    c.read_response();
    const auto shown = lines_until(s, "(body:");
    CHECK(shown.find("--- request from 127.0.0.1:") != std::string::npos);
    CHECK(shown.find("\n> POST /form HTTP/1.1\n> Host: x\n") != std::string::npos);
    CHECK(shown.find("\n> name=caf\xc3\xa9\\x1b[31m red\\x07\n> line2\n(body: 27 bytes)\n") != std::string::npos);
    CHECK_FALSE(has_control_bytes(shown));

    c.send("POST /form HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + std::string(5000, 'y'));
    c.read_response();
    const auto long_one = lines_until(s, "(body:");
    CHECK(long_one.find("\n> " + std::string(4096, 'y') + "\n(body: 5,000 bytes, the first 4096 shown)") != std::string::npos);
    CHECK(long_one.find(std::string(4097, 'y')) == std::string::npos);
}

TEST_CASE("the access log shows a person the target with control bytes and non-UTF-8 escaped") {
    temp_dir dir;
    auto s = start_human_server(dir.path());
    // Bytes >= 0x80 are allowed in a target: U+009B (CSI to some terminals) and a stray 0xFF.
    raw_connection c(s.port);
    c.send(get("/\xc2\x9b" "31m/\xff"));
    CHECK(parse_response(c.read_response()).status == 400);  // not UTF-8: no such file name
    const auto line = s.process.read_line(20s);
    REQUIRE(line);
    CHECK(line->find("\"GET /\\xc2\\x9b31m/\\xff HTTP/1.1\" 400") != std::string::npos);
    CHECK(line->find('\x9b') == std::string::npos);
    CHECK(line->find('\xff') == std::string::npos);
}

TEST_CASE("a quote or backslash in the target is escaped in the access log, so the quoted request stays one field") {
    temp_dir dir;
    auto s = start_human_server(dir.path());
    raw_connection c(s.port);
    c.send(get("/a\"%20200%200%20\"b"));
    CHECK(parse_response(c.read_response()).status == 404);
    const auto line = s.process.read_line(20s);
    REQUIRE(line);
    CHECK(line->find("\"GET /a\\x22%20200%200%20\\x22b HTTP/1.1\" 404") != std::string::npos);
    CHECK(std::count(line->begin(), line->end(), '"') == 2);

    c.send(get("/x\\x1b"));  // typed by the client, so it must not read as an escaped byte
    CHECK(parse_response(c.read_response()).status == 403);
    const auto second = s.process.read_line(20s);
    REQUIRE(second);
    CHECK(second->find("\"GET /x\\x5cx1b HTTP/1.1\" 403") != std::string::npos);
}

TEST_CASE("--dump marks every line it shows, so a header shaped like an access log line cannot forge one") {
    temp_dir dir;
    dir.write("a.txt", "a\n");
    auto s = start_human_server(dir.path(), {"--dump"});
    raw_connection c(s.port);
    // A valid header whose name and value together read like a log line for /admin.
    c.send(get("/a.txt", "2030-01-01T00:00:00.000Z 10.6.6.6:4444 \"GET /admin HTTP/1.1\" 200 0\r\n"));
    CHECK(parse_response(c.read_response()).status == 200);
    const auto shown = lines_until(s, "(no body)");
    CHECK(shown.find("\n> 2030-01-01T00:00:00.000Z 10.6.6.6:4444 \"GET /admin HTTP/1.1\" 200 0\n") != std::string::npos);
    std::size_t at = 0;
    for (std::string_view rest = shown; !rest.empty(); rest.remove_prefix(std::min(rest.size(), rest.find('\n') + 1))) {
        const auto line = rest.substr(0, rest.find('\n'));
        CAPTURE(line);
        CHECK((line.rfind("> ", 0) == 0 || line == ">" || line.rfind("--- request from ", 0) == 0 || line == "(no body)"));
        ++at;
    }
    CHECK(at >= 5);
}

TEST_CASE("a 503 refusal over --max-connections is logged with the request it refused") {
    full_server f;
    CHECK(request_for(f.server, "/a.txt?held=1")["status"] == 200);
    raw_connection refused(f.server.port);
    refused.send(get("/a.txt?refused=1"));
    const auto busy = parse_response(refused.read_response());
    CHECK(busy.status == 503);
    const auto e = request_for(f.server, "/a.txt?refused=1");
    REQUIRE(e.is_object());
    CHECK(e["status"] == 503);
    CHECK(e["method"] == "GET");
    CHECK(e["version"] == "HTTP/1.1");
    CHECK(e["bytes"] == busy.body.size());
    CHECK(e["error"] == "over --max-connections 1");
    CHECK_FALSE(e.contains("cut_off"));

    f.server.process.send_signal(SIGINT);
    CHECK(f.server.process.wait(20s) == 0);
    const auto summary = find_event(f.server.remaining_events(), "summary");
    REQUIRE(summary.is_object());
    CHECK(summary["refused"].get<int>() >= 1);
    CHECK(summary["server_errors"] == summary["refused"]);
    CHECK(summary["requests"].get<int>() == 1 + summary["refused"].get<int>());
}

TEST_CASE("a refused connection lingers after the 503, so a client still sending its body is not reset") {
    if (!have_program("python3")) FAIL("python3 is not installed (scripts/test installs it)");
    full_server f;
    // An upload that goes on after the answer arrived, as a slow client's would: the server
    // must take (and drop) it for a moment rather than answer it with RST, which can cost a
    // client the 503 it has not read yet.
    const auto r = python(R"(
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20)
s.sendall(b"POST /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 32768\r\n\r\n")
data = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
print(data.split(b"\r\n")[0].decode())
print(s.getsockname()[1])
try:
    for i in range(4):
        s.sendall(b"x" * 8192)
    s.shutdown(socket.SHUT_WR)
    print("upload: taken")
except OSError as e:
    print("upload: " + type(e).__name__)
)",
                          {std::to_string(f.server.port)});
    CHECK(r.exit_code == 0);
    std::istringstream out(r.out);
    std::string status, port, upload;
    std::getline(out, status);
    std::getline(out, port);
    std::getline(out, upload);
    CHECK(status == "HTTP/1.1 503 Service Unavailable");
    CHECK(upload == "upload: taken");
    // The server read the upload to its end (dropping it), rather than closing first.
    const auto closed = f.server.wait_for_connection("127.0.0.1:" + port, "closed");
    REQUIRE(closed.is_object());
    CHECK(closed["refused"] == true);
    CHECK(closed["reason"] == "over --max-connections 1, then the client closed");
}

TEST_CASE("a download the client abandons is logged as cut off, with the bytes sent and why") {
    if (under_emulator()) {
        MESSAGE("skipped under wine: its TransmitFile may go on waiting after the client's reset");
        return;
    }
    temp_dir dir;
    constexpr std::size_t size = 20 * 1024 * 1024;
    dir.write("big.bin", random_bytes(size, 3));
    auto s = start_server(dir.path());
    {
        raw_connection c(s.port);
        c.send(get("/big.bin"));
        CHECK(c.read_exactly(64 * 1024).size() == 64 * 1024);
    }  // closed with unread data: the server's next send fails
    const auto e = request_for(s, "/big.bin", 10s);
    REQUIRE(e.is_object());
    CHECK(e["status"] == 200);
    CHECK(e["expected_bytes"] == size);
    CHECK(e["bytes"].get<std::uint64_t>() < size);
    const auto why = e.value("cut_off", "");
    CHECK_MESSAGE((why == "connection reset by peer" || why == "connection closed by peer while sending"), why);
}

TEST_CASE("a file truncated while it is sent is logged with the bytes actually sent, marked cut off") {
    temp_dir dir;
    constexpr std::size_t size = 20 * 1024 * 1024, kept = 1024 * 1024 + 123;
    const auto path = dir.write("big.bin", random_bytes(size, 5));
    auto s = start_server(dir.path());
    raw_connection c(s.port);
    c.send(get("/big.bin"));
    const auto head = c.read_until("\r\n\r\n");
    CHECK(parse_response(head).header("Content-Length") == std::to_string(size));
    std::filesystem::resize_file(path, kept);  // a log rotated, a build output rewritten
    const auto body = c.read_exactly(size, 10s);  // until the server gives up and closes
    CHECK(body.size() < size);
    const auto e = request_for(s, "/big.bin", 10s);
    REQUIRE(e.is_object());
    CHECK(e["status"] == 200);
    CHECK(e["bytes"] == body.size());  // what was sent, not what was announced
    CHECK(e["expected_bytes"] == size);
    CHECK(e.value("cut_off", "") == "the file became shorter while it was sent");
}

TEST_CASE("a request head that is not complete within --header-timeout is answered 408 and logged") {
    temp_dir dir;
    auto s = start_server(dir.path(), {"-v", "--header-timeout", "1"});
    raw_connection c(s.port);
    c.send("GET /a.t");
    const auto r = parse_response(c.read_response(20s));
    CHECK(r.status == 408);
    CHECK(r.header("Connection") == "close");
    CHECK(c.closed_by_peer(20s));
    const auto e = s.wait_for(is_event("request"));
    REQUIRE(e.is_object());
    CHECK(e["status"] == 408);
    CHECK(e["method"] == "-");
    CHECK(e["bytes"] == r.body.size());
    CHECK(e["error"] == "request head not complete within --header-timeout 1 s");
    // Logged before the connection's end, which came the header timeout after accept.
    const auto closed = s.wait_for_connection(c.client(), "closed");
    REQUIRE(closed.is_object());
    CHECK(s.position(is_event("request")) < s.position(is_connection(c.client(), "closed")));
    CHECK(closed["since_accept_ms"].get<double>() >= 1000);
    CHECK(closed["requests"] == 1);
}

TEST_CASE("a request body that stalls is answered 408 and logged with its request line") {
    temp_dir dir;
    auto s = start_server(dir.path(), {"--header-timeout", "1"});
    raw_connection c(s.port);
    c.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789");
    CHECK(parse_response(c.read_response(20s)).status == 408);
    const auto e = request_for(s, "/upload", 20s);
    REQUIRE(e.is_object());
    CHECK(e["status"] == 408);
    CHECK(e["method"] == "POST");
    CHECK(e["error"] == "the request body came too slowly");
}

TEST_CASE("a connection that never sends a byte is closed quietly after --header-timeout: no 408, nothing logged") {
    temp_dir dir;
    auto s = start_server(dir.path(), {"-v", "--header-timeout", "1"});
    raw_connection c(s.port);
    CHECK(c.closed_by_peer(20s));
    CHECK(c.read_exactly(1, 100ms).empty());
    // Once the server reports the connection closed, it has logged all it will for it: nothing.
    const auto closed = s.wait_for_connection(c.client(), "closed");
    REQUIRE(closed.is_object());
    CHECK(closed["reason"] == "no request within --header-timeout 1 s");
    CHECK(closed["requests"] == 0);
    CHECK(s.position(is_event("request")) == -1);
}

TEST_CASE("a stdout nobody reads never stops the server: log lines are dropped and counted instead") {
    temp_dir dir;
    dir.write("a.txt", "a\n");
    auto s = start_server(dir.path());  // from here on, nobody reads its stdout for a while
    raw_connection c(s.port);
    // 20,000 requests log about 4 MB: far more than a pipe and the log queue hold.
    constexpr int batches = 200, per_batch = 100;
    std::string batch;
    for (int i = 0; i < per_batch; ++i) batch += get("/a.txt");
    int answered = 0;
    for (int b = 0; b < batches; ++b) {
        c.send(batch);
        int got = 0;
        while (got < per_batch && parse_response(c.read_response(20s)).status == 200) ++got;
        answered += got;
        if (got < per_batch) break;  // the server stalled: no use going on
    }
    CHECK(answered == batches * per_batch);

    // Now the log is read: what it held arrives, then the next line after a notice of
    // how many were lost.
    std::uint64_t logged = 0, dropped = 0;
    const auto tally = [&](const nlohmann::json& e) {
        if (e.value("event", "") == "request" && e.value("target", "") == "/a.txt") ++logged;
        if (e.value("event", "") == "lines_dropped") dropped += e["lines"].get<std::uint64_t>();
    };
    // (The last lines of the burst may still be on their way, after a notice of their own.)
    while (const auto line = s.process.read_line(1s)) tally(nlohmann::json::parse(*line, nullptr, false));
    c.send(get("/a.txt?after=1"));
    CHECK(parse_response(c.read_response()).status == 200);
    for (;;) {
        const auto e = s.next_event(20s);
        REQUIRE(e.is_object());
        tally(e);
        if (e.value("target", "") == "/a.txt?after=1") break;
    }
    CHECK(dropped > 0);
    CHECK(logged + dropped == batches * per_batch);  // every answer is logged or counted

    s.process.send_signal(SIGINT);
    CHECK(s.process.wait(20s) == 0);
    const auto summary = find_event(s.remaining_events(), "summary");
    REQUIRE(summary.is_object());
    CHECK(summary["dropped_lines"] == dropped);
    CHECK(summary["requests"] == batches * per_batch + 1);
}
