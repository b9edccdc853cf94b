// serve-http's HTTP/1.1 framing seen from raw sockets and python3's http.client:
// keep-alive, HTTP/1.0, pipelining, methods, malformed requests, request bodies.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "support/http_peers.hpp"
#include "support/loopback.hpp"
#include "support/netlab_server.hpp"
#include "support/peers.hpp"

using namespace netlab::test;

namespace {

const std::string a_body = "this is a\n";
const std::string b_body = "and this is b, longer\n";

struct site {
    temp_dir dir;
    netlab_server server;
    explicit site(const std::vector<std::string>& args = {}) {
        dir.write("a.txt", a_body);
        dir.write("b.txt", b_body);
        server = start_server(dir.path(), args);
    }
    unsigned short port() const { return server.port; }
};

struct answer {
    http_response response;
    bool closed = false;
};

// Sends bytes on a fresh connection; returns the first response and whether the server
// then closed the connection.
answer ask(unsigned short port, std::string_view bytes) {
    raw_connection c(port);
    c.send(bytes);
    answer a;
    a.response = parse_response(c.read_response());
    a.closed = c.closed_by_peer(20s);
    return a;
}

void require_python() {
    if (!have_program("python3")) FAIL("python3 is not installed (scripts/test installs it)");
}

// Collects `request` events until `count` arrived or the deadline.
std::vector<nlohmann::json> request_events(netlab_server& s, std::size_t count) {
    std::vector<nlohmann::json> out;
    while (out.size() < count) {
        const auto e = s.next_event(20s);
        if (e.is_null()) break;
        if (e.value("event", "") == "request") out.push_back(e);
    }
    return out;
}

}  // namespace

TEST_CASE("python http.client sends several requests over one keep-alive connection") {
    require_python();
    site s;
    const auto r = python(R"(
import http.client, json, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=10)
out = []
for p in ["/a.txt", "/b.txt", "/a.txt", "/missing"]:
    c.request("GET", p)
    r = c.getresponse()
    body = r.read().decode()
    out.append({"status": r.status, "body": body, "port": c.sock.getsockname()[1] if c.sock else 0})
print(json.dumps(out))
)",
                          {std::to_string(s.port())});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const auto out = nlohmann::json::parse(r.out);
    REQUIRE(out.size() == 4);
    CHECK(out[0]["status"] == 200);
    CHECK(out[0]["body"] == a_body);
    CHECK(out[1]["status"] == 200);
    CHECK(out[1]["body"] == b_body);
    CHECK(out[2]["body"] == a_body);
    CHECK(out[3]["status"] == 404);
    const int port = out[0]["port"];
    CHECK(port != 0);
    for (const auto& o : out) CHECK(o["port"] == port);

    // The server saw the same client socket each time.
    const auto events = request_events(s.server, 4);
    REQUIRE(events.size() == 4);
    for (const auto& e : events) CHECK(e["client"] == "127.0.0.1:" + std::to_string(port));
}

TEST_CASE("HTTP/1.0 without keep-alive gets Connection: close and the server closes") {
    require_python();
    site s;
    const auto r = python(R"(
import http.client, json, socket, sys
port = int(sys.argv[1])
c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
c._http_vsn = 10
c._http_vsn_str = "HTTP/1.0"
c.request("GET", "/a.txt")
r = c.getresponse()
body = r.read().decode()
res = {"status": r.status, "body": body, "connection": r.getheader("Connection"), "will_close": r.will_close}
s = socket.create_connection(("127.0.0.1", port), timeout=5)
s.sendall(b"GET /a.txt HTTP/1.0\r\n\r\n")
data = b""
try:
    while True:
        chunk = s.recv(65536)
        if not chunk:
            res["closed"] = True
            break
        data += chunk
except socket.timeout:
    res["closed"] = False
res["raw"] = data.decode()
print(json.dumps(res))
)",
                          {std::to_string(s.port())});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const auto out = nlohmann::json::parse(r.out);
    CHECK(out["status"] == 200);
    CHECK(out["body"] == a_body);
    CHECK(out["connection"] == "close");
    CHECK(out["will_close"] == true);
    CHECK(out["closed"] == true);
    const auto raw = parse_response(out["raw"].get<std::string>());
    CHECK(raw.status == 200);
    CHECK(raw.body == a_body);
}

TEST_CASE("HTTP/1.0 with Connection: keep-alive keeps the connection open") {
    require_python();
    site s;
    const auto r = python(R"(
import http.client, json, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=10)
c._http_vsn = 10
c._http_vsn_str = "HTTP/1.0"
out = []
for p in ["/a.txt", "/b.txt"]:
    c.request("GET", p, headers={"Connection": "keep-alive"})
    r = c.getresponse()
    body = r.read().decode()
    out.append({"status": r.status, "body": body, "connection": r.getheader("Connection"),
                "will_close": r.will_close, "port": c.sock.getsockname()[1] if c.sock else 0})
print(json.dumps(out))
)",
                          {std::to_string(s.port())});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const auto out = nlohmann::json::parse(r.out);
    REQUIRE(out.size() == 2);
    CHECK(out[0]["body"] == a_body);
    CHECK(out[1]["body"] == b_body);
    CHECK(out[0]["connection"] == "keep-alive");
    CHECK(out[0]["will_close"] == false);
    CHECK(out[0]["port"] != 0);
    CHECK(out[0]["port"] == out[1]["port"]);
    const auto events = request_events(s.server, 2);
    REQUIRE(events.size() == 2);
    CHECK(events[0]["client"] == events[1]["client"]);
    CHECK(events[0]["version"] == "HTTP/1.0");

    // And from a raw socket: still open after the response.
    raw_connection c(s.port());
    c.send("GET /a.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    CHECK(parse_response(c.read_response()).body == a_body);
    // Still open: the next request on it is answered.
    c.send("GET /b.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    CHECK(parse_response(c.read_response()).body == b_body);
}

TEST_CASE("pipelined requests are answered in order on one connection") {
    site s;
    raw_connection c(s.port());
    c.send(get("/a.txt") + get("/b.txt") + get("/missing") + get("/a.txt"));
    const auto r1 = parse_response(c.read_response());
    const auto r2 = parse_response(c.read_response());
    const auto r3 = parse_response(c.read_response());
    const auto r4 = parse_response(c.read_response());
    CHECK(r1.status == 200);
    CHECK(r1.body == a_body);
    CHECK(r2.status == 200);
    CHECK(r2.body == b_body);
    CHECK(r3.status == 404);
    CHECK(r4.status == 200);
    CHECK(r4.body == a_body);
    // Still open: the next request on it is answered.
    c.send(get("/b.txt"));
    CHECK(parse_response(c.read_response()).body == b_body);
}

TEST_CASE("Connection: close gets its response, then the server closes") {
    site s;
    const auto a = ask(s.port(), get("/a.txt", "Connection: close\r\n"));
    CHECK(a.response.status == 200);
    CHECK(a.response.body == a_body);
    CHECK(a.response.header("Connection") == "close");
    CHECK(a.closed);
}

TEST_CASE("POST and DELETE give 405 with Allow") {
    site s;
    for (const std::string method : {"POST", "DELETE", "PUT", "PATCH"}) {
        CAPTURE(method);
        raw_connection c(s.port());
        c.send(method + " /a.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n");
        const auto r = parse_response(c.read_response());
        CHECK(r.status == 405);
        const auto allow = r.header("Allow");
        CHECK(allow.find("GET") != std::string::npos);
        CHECK(allow.find("HEAD") != std::string::npos);
        CHECK(allow.find(method) == std::string::npos);
    }
    // The file is untouched and still served.
    raw_connection c(s.port());
    c.send(get("/a.txt"));
    CHECK(parse_response(c.read_response()).body == a_body);
}

TEST_CASE("OPTIONS is answered with Allow") {
    site s;
    raw_connection c(s.port());
    c.send("OPTIONS /a.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    const auto r = parse_response(c.read_response());
    CHECK(r.status / 100 == 2);
    CHECK(r.header("Allow").find("GET") != std::string::npos);
}

TEST_CASE("an absolute-form target is served like its path, as RFC 9112 §3.2.2 requires and nginx does") {
    temp_dir work;
    site s;
    s.dir.write("sub/c.txt", "c\n");
    auto nginx = require_nginx(s.dir.path(), work.path());
    for (const unsigned short port : {s.port(), nginx.port}) {
        CAPTURE(port);
        const auto a = ask(port, "GET http://127.0.0.1/a.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        CHECK(a.response.status == 200);
        CHECK(a.response.body == a_body);
        // Scheme and host are case-insensitive; the query stays with the path.
        const auto b = ask(port, "GET HTTP://Example.COM:80/b.txt?x=1 HTTP/1.1\r\nHost: other\r\nConnection: close\r\n\r\n");
        CHECK(b.response.status == 200);
        CHECK(b.response.body == b_body);
        CHECK(ask(port, "GET http://127.0.0.1/missing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").response.status == 404);
    }
    // A folder's slash redirect keeps to the path and query.
    const auto folder = ask(s.port(), "GET http://x/sub?q=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    CHECK(folder.response.status == 301);
    CHECK(folder.response.header("Location") == "/sub/?q=1");
    // The log shows the target as it was sent.
    const auto events = request_events(s.server, 4);
    REQUIRE(events.size() == 4);
    CHECK(events[0]["target"] == "http://127.0.0.1/a.txt");
    CHECK(events[0]["status"] == 200);
}

TEST_CASE("malformed requests give 400 and the connection is closed") {
    site s;
    const std::vector<std::pair<std::string, std::string>> cases{
        {"bad request line", "GARBAGE\r\n\r\n"},
        {"request line without version", "GET /a.txt\r\nHost: x\r\n\r\n"},
        {"two spaces in request line", "GET  /a.txt HTTP/1.1\r\nHost: x\r\n\r\n"},
        {"lower-case version", "GET /a.txt http/1.1\r\nHost: x\r\n\r\n"},
        {"space before colon in header name", "GET /a.txt HTTP/1.1\r\nHost : x\r\n\r\n"},
        {"space before colon in other header", "GET /a.txt HTTP/1.1\r\nHost: x\r\nX-Test : 1\r\n\r\n"},
        {"obs-fold", "GET /a.txt HTTP/1.1\r\nHost: x\r\nX-Test: 1\r\n  continued\r\n\r\n"},
        {"HTTP/1.1 without Host", "GET /a.txt HTTP/1.1\r\nAccept: */*\r\n\r\n"},
        {"two Host headers", "GET /a.txt HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"},
        {"negative Content-Length", "GET /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"},
        {"garbage Content-Length", "GET /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"},
        {"two different Content-Lengths", "GET /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"},
        {"Content-Length and Transfer-Encoding",
         "POST /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
    };
    for (const auto& c : cases) {
        // Named, not a structured binding: CAPTURE makes a lambda, and clang before 16
        // cannot capture structured bindings.
        const auto& what = c.first;
        CAPTURE(what);
        const auto a = ask(s.port(), c.second);
        CHECK(a.response.status == 400);
        CHECK(a.closed);
    }
}

TEST_CASE("a request target over 8 KiB gives 414, one just under does not") {
    site s;
    const auto longer = ask(s.port(), get("/" + std::string(9000, 'a')));
    CHECK(longer.response.status == 414);
    CHECK(longer.closed);
    raw_connection c(s.port());
    c.send(get("/" + std::string(8000, 'a')));
    CHECK(parse_response(c.read_response()).status == 404);
}

TEST_CASE("a request head over 16 KiB gives 431, one of 15 KiB does not") {
    site s;
    const auto big = ask(s.port(), get("/a.txt", "X-Big: " + std::string(17 * 1024, 'x') + "\r\n"));
    CHECK(big.response.status == 431);
    CHECK(big.closed);
    const auto many = [] {
        std::string h;
        for (int i = 0; i < 200; ++i) h += "X-Field-" + std::to_string(i) + ": " + std::string(100, 'y') + "\r\n";
        return h;
    }();
    CHECK(ask(s.port(), get("/a.txt", many)).response.status == 431);

    raw_connection c(s.port());
    c.send(get("/a.txt", "X-Big: " + std::string(15 * 1024, 'x') + "\r\n"));
    const auto ok = parse_response(c.read_response());
    CHECK(ok.status == 200);
    CHECK(ok.body == a_body);
}

TEST_CASE("a request head sent a byte at a time costs the server no more CPU than a body sent so") {
    require_python();
    if (under_emulator()) {
        MESSAGE("skipped under wine: the server's CPU time is read from /proc");
        return;
    }
    if (under_sanitizer()) {
        MESSAGE("skipped under a sanitizer: it slows the parser and the system calls by different factors");
        return;
    }
    temp_dir dir;
    auto s = start_server(dir.path());
    // The server's CPU time (user + system) while 15,000 bytes arrive one by one: as the
    // last line of a head (re-parsing the head after every read costs quadratic time),
    // then as a request body (read and dropped: linear by construction).
    const auto r = python(R"py(
import os, socket, sys, time
port, pid = int(sys.argv[1]), int(sys.argv[2])
def cpu():
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
def drip(lead, data):
    s = socket.create_connection(("127.0.0.1", port), timeout=20)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.sendall(lead)
    time.sleep(0.1)
    before = cpu()
    for i in range(len(data)):
        s.sendall(data[i:i + 1])
        if i % 4 == 0:
            time.sleep(0.00005)
    status = s.recv(12)
    used = cpu() - before
    s.close()
    return used, status
n = 15000
head = b"GET /x HTTP/1.1\r\nHost: x\r\nX-Long: "
# Three rounds of each, in turn: a stall of the server during one drip (how many bytes
# each read gets decides its cost) is not taken for the parser's.
heads, bodies = [], []
for _ in range(3):
    head_cpu, a = drip(b"", head + b"v" * (n - len(head) - 4) + b"\r\n\r\n")
    body_cpu, b = drip(b"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % n, b"v" * n)
    heads.append(head_cpu)
    bodies.append(body_cpu)
print(a.decode(), b.decode(), min(heads), max(bodies))
)py",
                          {std::to_string(s.port), std::to_string(s.process.pid())}, 60s);
    REQUIRE(r.exit_code == 0);
    std::istringstream in(r.out);
    std::string http_a, status_a, http_b, status_b;
    double head_cpu = 0, body_cpu = 0;
    in >> http_a >> status_a >> http_b >> status_b >> head_cpu >> body_cpu;
    CHECK(status_a == "404");
    CHECK(status_b == "405");
    CAPTURE(head_cpu);
    CAPTURE(body_cpu);
    // The cheapest head against the dearest body. Before heads resumed: 0.25 s against
    // 0.09 s (debug build).
    CHECK(head_cpu <= 1.5 * body_cpu + 0.05);
}

TEST_CASE("heads of every size around the first read buffer's are read whole, with the body and the next request behind them") {
    site s({"--echo"});
    raw_connection c(s.port());
    for (std::size_t size = 4080; size <= 4112; size += 4) {
        CAPTURE(size);
        const std::string start = "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nX-Pad: ";
        const std::string head = start + std::string(size - start.size() - 4, 'p') + "\r\n\r\n";
        REQUIRE(head.size() == size);
        c.send(head + "hello" + get("/next"));  // pipelined: the next request follows the body
        const auto echoed = parse_response(c.read_response());
        CHECK(echoed.status == 200);
        CHECK(echoed.body == head + "hello");
        CHECK(parse_response(c.read_response()).body == get("/next"));
    }
}

TEST_CASE("HTTP/2.0 and HTTP/3.1 in the request line give 505") {
    site s;
    for (const std::string version : {"HTTP/2.0", "HTTP/3.1", "HTTP/1.2"}) {
        CAPTURE(version);
        const auto a = ask(s.port(), "GET /a.txt " + version + "\r\nHost: x\r\n\r\n");
        CHECK(a.response.status == 505);
        CHECK(a.closed);
    }
}

TEST_CASE("Expect: 100-continue gets 100 Continue before the final response") {
    site s({"--echo"});
    raw_connection c(s.port());
    c.send("POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 11\r\nExpect: 100-continue\r\n\r\n");
    const auto interim = c.read_until("\r\n\r\n", 3s);
    CHECK(interim.rfind("HTTP/1.1 100 Continue\r\n", 0) == 0);
    c.send("hello world");
    const auto final_response = parse_response(c.read_response());
    CHECK(final_response.status == 200);
    CHECK(final_response.body.find("POST /upload HTTP/1.1") != std::string::npos);
    CHECK(final_response.body.find("hello world") != std::string::npos);
}

TEST_CASE("a request body with Content-Length is read and dropped, and the next request still works") {
    site s;
    raw_connection c(s.port());
    // The body arrives with the head, then one split across two sends.
    c.send(get("/a.txt", "Content-Length: 11\r\n") + "hello world" + get("/b.txt"));
    const auto r1 = parse_response(c.read_response());
    const auto r2 = parse_response(c.read_response());
    CHECK(r1.status == 200);
    CHECK(r1.body == a_body);
    CHECK(r2.status == 200);
    CHECK(r2.body == b_body);

    c.send(get("/b.txt", "Content-Length: 20000\r\n") + std::string(12000, 'z'));
    c.send(std::string(8000, 'z') + get("/a.txt"));
    const auto r3 = parse_response(c.read_response());
    const auto r4 = parse_response(c.read_response());
    CHECK(r3.body == b_body);
    CHECK(r4.status == 200);
    CHECK(r4.body == a_body);
}

TEST_CASE("a chunked request body is read and dropped, and the next request still works") {
    site s;
    raw_connection c(s.port());
    c.send(get("/a.txt", "Transfer-Encoding: chunked\r\n") + "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n" + get("/b.txt"));
    const auto r1 = parse_response(c.read_response());
    const auto r2 = parse_response(c.read_response());
    CHECK(r1.status == 200);
    CHECK(r1.body == a_body);
    CHECK(r2.status == 200);
    CHECK(r2.body == b_body);

    // Chunks split across sends, with a trailer field.
    c.send(get("/b.txt", "Transfer-Encoding: chunked\r\n") + "a\r\n01234");
    c.send("56789\r\n0\r\nX-Trailer: t\r\n\r\n" + get("/a.txt"));
    const auto r3 = parse_response(c.read_response());
    const auto r4 = parse_response(c.read_response());
    CHECK(r3.body == b_body);
    CHECK(r4.body == a_body);
}

TEST_CASE("a malformed chunked body gets 400, never the file, and the connection closes") {
    site s;
    const auto a = ask(s.port(), get("/a.txt", "Transfer-Encoding: chunked\r\n") + "zz\r\nhello\r\n0\r\n\r\n" +
                                     get("/b.txt"));
    CHECK(a.response.status == 400);
    CHECK(a.response.body.find(a_body) == std::string::npos);
    CHECK(a.closed);
}

TEST_CASE("a body over the limit gets 413 that the client can read, not a reset") {
    site s;
    raw_connection c(s.port());
    // No Expect: the client sends body bytes at once, as browsers and scripts do.
    c.send("POST /a.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000000\r\n\r\n" + std::string(256 * 1024, 'x'));
    const auto r = parse_response(c.read_response());
    CHECK(r.status == 413);
}

TEST_CASE("HEAD in --echo mode gets the echo's length and no body") {
    site s({"--echo"});
    raw_connection c(s.port());
    c.send("HEAD /x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" + get("/y"));
    const auto head = c.read_until("\r\n\r\n");
    CHECK(head.rfind("HTTP/1.1 200", 0) == 0);
    const auto second = parse_response(c.read_response());
    CHECK(second.status == 200);
    CHECK(second.body.rfind("GET /y HTTP/1.1\r\n", 0) == 0);
}

TEST_CASE("with --cors every response allows any origin") {
    site s({"--cors"});
    const auto a = ask(s.port(), get("/a.txt", "Origin: http://example.test\r\nConnection: close\r\n"));
    CHECK(a.response.status == 200);
    CHECK(a.response.header("Access-Control-Allow-Origin") == "*");
}

TEST_CASE("a chunked request body with bare LF line ends is refused (no smuggling)") {
    site s;
    const auto a = ask(s.port(), get("/a.txt", "Transfer-Encoding: chunked\r\n") + "5\nhello\r\n0\r\n\r\n");
    CHECK(a.response.status == 400);
    CHECK(a.closed);
}
