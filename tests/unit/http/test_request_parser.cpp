#include <doctest/doctest.h>

#include <cstdint>
#include <memory>
#include <string>

#include "http/request_parser.hpp"

using namespace netlab::http;

namespace {

// Owns a heap copy of the input, so the head's views stay valid however the caller's
// string was made (temporaries included) and however `parsed` is moved.
struct parsed {
    std::shared_ptr<const std::string> buffer;
    request_parse_result result;
    request_head head;
};

parsed parse(std::string_view s, const request_limits& limits = {}) {
    parsed p;
    p.buffer = std::make_shared<const std::string>(s);
    p.result = parse_request(*p.buffer, p.head, limits);
    return p;
}

int bad_status(std::string_view s, const request_limits& limits = {}) {
    const auto p = parse(s, limits);
    if (p.result.status != parse_status::bad) return 0;
    CHECK_FALSE(p.result.error.empty());
    return p.result.error_status;
}

bool is_incomplete(std::string_view s, const request_limits& limits = {}) {
    return parse(s, limits).result.status == parse_status::incomplete;
}

bool is_complete(std::string_view s) { return parse(s).result.status == parse_status::complete; }

// A valid request with extra header lines spliced in before the blank line.
std::string req(std::string_view extra, std::string_view line = "GET / HTTP/1.1") {
    std::string s(line);
    s += "\r\nHost: example.com\r\n";
    s += extra;
    s += "\r\n";
    return s;
}

}  // namespace

TEST_CASE("simple GET request parses with method, target, version and head size") {
    const std::string s = "GET /index.html?q=1 HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\nBODY";
    const auto p = parse(s);
    REQUIRE(p.result.status == parse_status::complete);
    CHECK(p.head.method == "GET");
    CHECK(p.head.target == "/index.html?q=1");
    CHECK(p.head.version_major == 1);
    CHECK(p.head.version_minor == 1);
    CHECK(p.head.host == "example.com");
    CHECK(p.head.headers.size() == 2);
    CHECK(p.head.head_size == s.size() - 4);
    CHECK(p.head.keep_alive);
    CHECK_FALSE(p.head.chunked);
    CHECK_FALSE(p.head.has_content_length);
    CHECK_FALSE(p.head.expect_continue);
}

TEST_CASE("header names keep their case and values are trimmed of OWS") {
    const auto p = parse(req("X-Thing: \t  a  b \t\r\nEmpty:\r\nE2: \t \r\n"));
    REQUIRE(p.result.status == parse_status::complete);
    const auto* f = find_header(p.head.headers, "x-thing");
    REQUIRE(f != nullptr);
    CHECK(f->name == "X-Thing");
    CHECK(f->value == "a  b");
    CHECK(find_header(p.head.headers, "empty")->value.empty());
    CHECK(find_header(p.head.headers, "e2")->value.empty());
}

TEST_CASE("obs-text bytes in header values are accepted") {
    CHECK(is_complete(req("X-Name: caf\xc3\xa9\r\n")));
}

TEST_CASE("bare LF line endings are accepted") {
    const std::string s = "GET / HTTP/1.1\nHost: a\n\n";
    const auto p = parse(s);
    REQUIRE(p.result.status == parse_status::complete);
    CHECK(p.head.head_size == s.size());
    CHECK(p.head.host == "a");
}

TEST_CASE("leading empty lines before the request line are skipped") {
    const std::string s = "\r\n\r\n\nGET / HTTP/1.1\r\nHost: a\r\n\r\n";
    const auto p = parse(s);
    REQUIRE(p.result.status == parse_status::complete);
    CHECK(p.head.method == "GET");
    CHECK(p.head.head_size == s.size());
}

TEST_CASE("every proper prefix of a valid request is incomplete") {
    const std::string s = "POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nX-A: b\r\n\r\n";
    for (std::size_t len = 0; len < s.size(); ++len) {
        CAPTURE(len);
        CHECK(is_incomplete(std::string_view(s).substr(0, len)));
    }
    CHECK(is_complete(s));
}

TEST_CASE("previous contents of the output head are reset") {
    request_head h;
    REQUIRE(parse_request(req("Content-Length: 3\r\nConnection: close\r\n"), h).status == parse_status::complete);
    REQUIRE(parse_request("GET / HTTP/1.1\r\nHost: b\r\n\r\n", h).status == parse_status::complete);
    CHECK(h.headers.size() == 1);
    CHECK_FALSE(h.has_content_length);
    CHECK(h.content_length == 0);
    CHECK(h.keep_alive);
}

TEST_CASE("bare CR is rejected everywhere") {
    CHECK(bad_status("\rGET / HTTP/1.1\r\nHost: a\r\n\r\n") == 400);
    CHECK(bad_status("GET / HTTP/1.1\rHost: a\r\n\r\n") == 400);
    CHECK(bad_status("GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n") == 400);
    CHECK(bad_status("GET / HTTP/1.1\r\nHost: a\r\n\rX") == 400);
    CHECK(is_incomplete("GET / HTTP/1.1\r\nHost: a\r\n\r"));
}

TEST_CASE("malformed request lines give 400") {
    CHECK(bad_status("GET  / HTTP/1.1\r\nHost: a\r\n\r\n") == 400);   // two SPs
    CHECK(bad_status("GET /  HTTP/1.1\r\nHost: a\r\n\r\n") == 400);
    CHECK(bad_status(" GET / HTTP/1.1\r\nHost: a\r\n\r\n") == 400);   // leading SP
    CHECK(bad_status("GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n") == 400);   // HTAB is not SP
    CHECK(bad_status("GET / HTTP/1.1 \r\nHost: a\r\n\r\n") == 400);   // trailing SP
    CHECK(bad_status("G(T / HTTP/1.1\r\nHost: a\r\n\r\n") == 400);    // non-token method
    CHECK(bad_status("GET /\r\n\r\n") == 400);                        // HTTP/0.9 form
    CHECK(bad_status("GET\r\n\r\n") == 400);
    CHECK(bad_status("GET / \r\n\r\n") == 400);
    CHECK(bad_status("/ HTTP/1.1\r\n\r\n") == 400);
}

TEST_CASE("request target with control characters or DEL gives 400") {
    CHECK(bad_status("GET /a\x01 HTTP/1.1\r\nHost: a\r\n\r\n") == 400);
    CHECK(bad_status("GET /a\x7f HTTP/1.1\r\nHost: a\r\n\r\n") == 400);
    CHECK(bad_status(std::string("GET /a\0b HTTP/1.1\r\nHost: a\r\n\r\n", 31)) == 400);
}

TEST_CASE("unusual but valid methods and targets are accepted") {
    auto p = parse(req("", "M-SEARCH * HTTP/1.1"));
    REQUIRE(p.result.status == parse_status::complete);
    CHECK(p.head.method == "M-SEARCH");
    CHECK(p.head.target == "*");
    p = parse(req("", "CONNECT example.com:443 HTTP/1.1"));
    CHECK(p.result.status == parse_status::complete);
    CHECK(is_complete(req("", "GET http://example.com/x HTTP/1.1")));
}

TEST_CASE("HTTP version syntax is strict") {
    CHECK(bad_status("GET / http/1.1\r\nHost: a\r\n\r\n") == 400);
    CHECK(bad_status("GET / HTTP/1.10\r\nHost: a\r\n\r\n") == 400);
    CHECK(bad_status("GET / HTTP/11\r\nHost: a\r\n\r\n") == 400);
    CHECK(bad_status("GET / HTTP/1\r\nHost: a\r\n\r\n") == 400);
    CHECK(bad_status("GET / HTTP/a.1\r\nHost: a\r\n\r\n") == 400);
    CHECK(bad_status("GET / HTTP/1.x\r\nHost: a\r\n\r\n") == 400);
    CHECK(bad_status("GET / HTTPS/1.1\r\nHost: a\r\n\r\n") == 400);
    CHECK(bad_status("GET / HTTP 1.1\r\nHost: a\r\n\r\n") == 400);
}

TEST_CASE("unsupported HTTP versions give 505") {
    CHECK(bad_status("GET / HTTP/2.0\r\n\r\n") == 505);
    CHECK(bad_status("GET / HTTP/1.2\r\nHost: a\r\n\r\n") == 505);
    CHECK(bad_status("GET / HTTP/9.9\r\n") == 505);  // decided on the request line alone
    CHECK(bad_status("GET / HTTP/0.9\r\n\r\n") == 505);
}

TEST_CASE("HTTP/1.0 is accepted without Host") {
    const auto p = parse("GET / HTTP/1.0\r\n\r\n");
    REQUIRE(p.result.status == parse_status::complete);
    CHECK(p.head.version_minor == 0);
    CHECK(p.head.host.empty());
    CHECK_FALSE(p.head.keep_alive);
}

TEST_CASE("HTTP/1.1 without Host gives 400, and more than one Host gives 400") {
    CHECK(bad_status("GET / HTTP/1.1\r\n\r\n") == 400);
    CHECK(bad_status(req("Host: example.com\r\n")) == 400);
    CHECK(bad_status(req("hOsT: other\r\n")) == 400);
    CHECK(bad_status("GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n") == 400);
}

TEST_CASE("empty Host is allowed but Host with a list, path or userinfo is not") {
    const auto p = parse("GET / HTTP/1.1\r\nHost:\r\n\r\n");
    REQUIRE(p.result.status == parse_status::complete);
    CHECK(p.head.host.empty());
    CHECK(is_complete("GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n"));
    CHECK(bad_status("GET / HTTP/1.1\r\nHost: a, b\r\n\r\n") == 400);
    CHECK(bad_status("GET / HTTP/1.1\r\nHost: a b\r\n\r\n") == 400);
    CHECK(bad_status("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n") == 400);
    CHECK(bad_status("GET / HTTP/1.1\r\nHost: u@a\r\n\r\n") == 400);
}

TEST_CASE("header names must be tokens with no whitespace before the colon") {
    CHECK(bad_status(req("Bad Name: x\r\n")) == 400);
    CHECK(bad_status(req("Name : x\r\n")) == 400);
    CHECK(bad_status(req("Name\t: x\r\n")) == 400);
    CHECK(bad_status(req(": x\r\n")) == 400);
    CHECK(bad_status(req("Na(me): x\r\n")) == 400);
    CHECK(bad_status(req("NoColon\r\n")) == 400);
    CHECK(bad_status(req("Caf\xc3\xa9: x\r\n")) == 400);
}

TEST_CASE("obs-fold continuation lines give 400") {
    CHECK(bad_status(req("X-A: one\r\n two\r\n")) == 400);
    CHECK(bad_status(req("X-A: one\r\n\ttwo\r\n")) == 400);
    CHECK(bad_status("GET / HTTP/1.1\r\n Host: a\r\n\r\n") == 400);
}

TEST_CASE("control characters in header values give 400 but HTAB is fine") {
    CHECK(is_complete(req("X-A: a\tb\r\n")));
    CHECK(bad_status(req("X-A: a\x01" "b\r\n")) == 400);
    CHECK(bad_status(req("X-A: a\x7f\r\n")) == 400);
    CHECK(bad_status(req("X-A: a\x1b[31m\r\n")) == 400);
    CHECK(bad_status(req(std::string("X-A: a\0b\r\n", 11))) == 400);
}

TEST_CASE("a bad byte is reported before the head is complete") {
    CHECK(bad_status("GE(") == 400);
    CHECK(bad_status("GET / HTX") == 400);
    CHECK(bad_status("GET / HTTP/1.1\r\nX A") == 400);
    CHECK(bad_status("GET / HTTP/1.1\r\nX: \x01") == 400);
}

TEST_CASE("exactly max_header_fields headers are accepted, one more gives 431") {
    std::string extra;
    for (std::size_t k = 1; k < max_header_fields; ++k) extra += "X-" + std::to_string(k) + ": v\r\n";
    const auto p = parse(req(extra));
    REQUIRE(p.result.status == parse_status::complete);
    CHECK(p.head.headers.size() == max_header_fields);
    CHECK(bad_status(req(extra + "One-Too-Many: v\r\n")) == 431);
}

TEST_CASE("head longer than max_head_bytes gives 431, complete or not") {
    request_limits lim;
    lim.max_head_bytes = 64;
    const std::string ok = "GET / HTTP/1.1\r\nHost: a\r\nX: " + std::string(30, 'v') + "\r\n\r\n";
    REQUIRE(ok.size() <= 64);
    const std::string exact = "GET / HTTP/1.1\r\nHost: a\r\nX: " + std::string(64 - ok.size() + 30, 'v') + "\r\n\r\n";
    REQUIRE(exact.size() == 64);
    CHECK(parse(exact, lim).result.status == parse_status::complete);
    const std::string over = "GET / HTTP/1.1\r\nHost: a\r\nX: " + std::string(65 - ok.size() + 30, 'v') + "\r\n\r\n";
    CHECK(bad_status(over, lim) == 431);
    // Still incomplete at the limit, more bytes present: no point waiting.
    CHECK(bad_status("GET / HTTP/1.1\r\nHost: a\r\nX: " + std::string(100, 'v'), lim) == 431);
    CHECK(is_incomplete("GET / HTTP/1.1\r\nHost: a\r\nX: " + std::string(20, 'v'), lim));
    // Endless leading blank lines also count against the head.
    CHECK(bad_status(std::string(100, '\n'), lim) == 431);
}

TEST_CASE("head bytes after a complete head do not count against the limit") {
    request_limits lim;
    lim.max_head_bytes = 64;
    const std::string s = "GET / HTTP/1.1\r\nHost: a\r\n\r\n" + std::string(1000, 'b');
    const auto p = parse(s, lim);
    REQUIRE(p.result.status == parse_status::complete);
    CHECK(p.head.head_size == 27);
}

TEST_CASE("target longer than max_target_bytes gives 414 even before the line ends") {
    request_limits lim;
    lim.max_target_bytes = 16;
    CHECK(is_complete("GET /" + std::string(15, 'a') + " HTTP/1.1\r\nHost: a\r\n\r\n"));
    CHECK(parse("GET /" + std::string(15, 'a') + " HTTP/1.1\r\nHost: a\r\n\r\n", lim).result.status ==
          parse_status::complete);
    CHECK(bad_status("GET /" + std::string(16, 'a') + " HTTP/1.1\r\nHost: a\r\n\r\n", lim) == 414);
    CHECK(bad_status("GET /" + std::string(16, 'a'), lim) == 414);
    CHECK(is_incomplete("GET /" + std::string(15, 'a'), lim));
}

TEST_CASE("default limits: 8 KiB target gives 414, huge header gives 431") {
    CHECK(bad_status("GET /" + std::string(9000, 'a')) == 414);
    CHECK(bad_status(req("X: " + std::string(20000, 'v') + "\r\n")) == 431);
}

TEST_CASE("Content-Length is parsed and exposed") {
    const auto p = parse(req("Content-Length: 42\r\n", "POST /x HTTP/1.1"));
    REQUIRE(p.result.status == parse_status::complete);
    CHECK(p.head.has_content_length);
    CHECK(p.head.content_length == 42);
    const auto z = parse(req("content-length: 0\r\n", "POST /x HTTP/1.1"));
    REQUIRE(z.result.status == parse_status::complete);
    CHECK(z.head.has_content_length);
    CHECK(z.head.content_length == 0);
}

TEST_CASE("Content-Length up to the uint64 maximum parses, one more overflows to 400") {
    const auto p = parse(req("Content-Length: 18446744073709551615\r\n"));
    REQUIRE(p.result.status == parse_status::complete);
    CHECK(p.head.content_length == 18446744073709551615ull);
    CHECK(bad_status(req("Content-Length: 18446744073709551616\r\n")) == 400);
    CHECK(bad_status(req("Content-Length: 99999999999999999999999\r\n")) == 400);
}

TEST_CASE("Content-Length garbage, sign or empty gives 400") {
    for (const char* v : {"-1", "+5", "5a", "0x10", "5 5", "", "1.0", " ,5", "5,", "5,,5", "\xd9\xa5"}) {
        CAPTURE(v);
        CHECK(bad_status(req(std::string("Content-Length: ") + v + "\r\n")) == 400);
    }
}

TEST_CASE("repeated identical Content-Length values are accepted as one") {
    auto p = parse(req("Content-Length: 5, 5\r\n"));
    REQUIRE(p.result.status == parse_status::complete);
    CHECK(p.head.content_length == 5);
    p = parse(req("Content-Length: 5\r\nContent-Length: 5\r\n"));
    REQUIRE(p.result.status == parse_status::complete);
    CHECK(p.head.content_length == 5);
    p = parse(req("Content-Length: 5\r\nContent-Length: 005\r\n"));
    CHECK(p.result.status == parse_status::complete);
}

TEST_CASE("differing Content-Length values give 400") {
    CHECK(bad_status(req("Content-Length: 5, 6\r\n")) == 400);
    CHECK(bad_status(req("Content-Length: 5\r\nContent-Length: 6\r\n")) == 400);
    CHECK(bad_status(req("Content-Length: 0\r\nContent-Length: 10\r\n")) == 400);
}

TEST_CASE("Transfer-Encoding chunked sets chunked") {
    auto p = parse(req("Transfer-Encoding: chunked\r\n", "POST / HTTP/1.1"));
    REQUIRE(p.result.status == parse_status::complete);
    CHECK(p.head.chunked);
    CHECK_FALSE(p.head.has_content_length);
    p = parse(req("Transfer-Encoding: gzip, CHUNKED\r\n"));
    REQUIRE(p.result.status == parse_status::complete);
    CHECK(p.head.chunked);
    p = parse(req("Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n"));
    REQUIRE(p.result.status == parse_status::complete);
    CHECK(p.head.chunked);
    CHECK(is_complete(req("Transfer-Encoding: gzip;q=1, chunked\r\n")));
}

TEST_CASE("Content-Length together with Transfer-Encoding gives 400") {
    CHECK(bad_status(req("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n")) == 400);
    CHECK(bad_status(req("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n")) == 400);
}

TEST_CASE("Transfer-Encoding not ending in chunked gives 400") {
    CHECK(bad_status(req("Transfer-Encoding: gzip\r\n")) == 400);
    CHECK(bad_status(req("Transfer-Encoding: chunked, gzip\r\n")) == 400);
    CHECK(bad_status(req("Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n")) == 400);
    CHECK(bad_status(req("Transfer-Encoding: chunked, chunked\r\n")) == 400);
    CHECK(bad_status(req("Transfer-Encoding:\r\n")) == 400);
    CHECK(bad_status(req("Transfer-Encoding: chunked;x=1\r\n")) == 400);
    CHECK(bad_status(req("Transfer-Encoding: \"chunked\"\r\n")) == 400);
    CHECK(bad_status(req("Transfer-Encoding: chun ked\r\n")) == 400);
}

TEST_CASE("unknown transfer coding gives 501") {
    CHECK(bad_status(req("Transfer-Encoding: br, chunked\r\n")) == 501);
    CHECK(bad_status(req("Transfer-Encoding: identity\r\n")) == 501);
    CHECK(bad_status(req("Transfer-Encoding: xchunked\r\n")) == 501);
}

TEST_CASE("Transfer-Encoding on an HTTP/1.0 request gives 400") {
    CHECK(bad_status("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n") == 400);
}

TEST_CASE("keep-alive defaults follow the HTTP version and the Connection list") {
    CHECK(parse(req("")).head.keep_alive);
    CHECK_FALSE(parse(req("Connection: close\r\n")).head.keep_alive);
    CHECK_FALSE(parse(req("Connection: Upgrade, CLOSE\r\n")).head.keep_alive);
    CHECK_FALSE(parse(req("Connection: keep-alive\r\nConnection: close\r\n")).head.keep_alive);
    CHECK(parse(req("Connection: closed\r\n")).head.keep_alive);
    CHECK_FALSE(parse("GET / HTTP/1.0\r\n\r\n").head.keep_alive);
    CHECK(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").head.keep_alive);
    CHECK(parse("GET / HTTP/1.0\r\nConnection: foo, , keep-alive\r\n\r\n").head.keep_alive);
    CHECK_FALSE(parse("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n").head.keep_alive);
}

TEST_CASE("Expect 100-continue is recognised on 1.1 and ignored on 1.0") {
    CHECK(parse(req("Expect: 100-Continue\r\n")).head.expect_continue);
    CHECK_FALSE(parse(req("Expect: 200-ok\r\n")).head.expect_continue);
    CHECK_FALSE(parse("GET / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n").head.expect_continue);
}

TEST_CASE("views in the result point into the caller's buffer") {
    const std::string s = req("X: y\r\n", "PUT /p HTTP/1.1");
    request_head h;
    REQUIRE(parse_request(s, h).status == parse_status::complete);
    const char* lo = s.data();
    const char* hi = s.data() + s.size();
    CHECK(h.method.data() == lo);
    CHECK(h.target.data() == lo + 4);
    for (const auto& f : h.headers) CHECK((f.name.data() >= lo && f.value.data() + f.value.size() <= hi));
}

TEST_CASE("arbitrary bytes never crash and never claim more than the buffer") {
    // A cheap deterministic fuzz: mutations of a valid request.
    const std::string base = "POST /a?b HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc";
    std::uint32_t seed = 12345;
    const auto rnd = [&] { seed = seed * 1664525u + 1013904223u; return seed >> 8; };
    for (int round = 0; round < 5000; ++round) {
        std::string s = base;
        const int edits = static_cast<int>(rnd() % 4) + 1;
        for (int e = 0; e < edits; ++e) {
            const auto pos = rnd() % s.size();
            switch (rnd() % 3) {
                case 0: s[pos] = static_cast<char>(rnd() & 0xff); break;
                case 1: s.erase(pos, 1); break;
                default: s.insert(pos, 1, static_cast<char>(rnd() & 0xff)); break;
            }
            if (s.empty()) s = "x";
        }
        request_head h;
        const auto r = parse_request(s, h);
        if (r.status == parse_status::complete) {
            CHECK(h.head_size <= s.size());
        } else if (r.status == parse_status::bad) {
            const bool known = r.error_status == 400 || r.error_status == 414 || r.error_status == 431 ||
                               r.error_status == 501 || r.error_status == 505;
            CHECK(known);
        }
    }
}

TEST_CASE("an absolute-form target is accepted, its path and query split out, its host used (RFC 9112 §3.2.2)") {
    const auto p = parse("GET http://example.com:8080/a/b.txt?x=1 HTTP/1.1\r\nHost: other.example\r\n\r\n");
    REQUIRE(p.result.status == parse_status::complete);
    CHECK(p.head.target == "http://example.com:8080/a/b.txt?x=1");  // as sent, for the log
    CHECK(p.head.path == "/a/b.txt");
    CHECK(p.head.query == "?x=1");
    CHECK(p.head.host == "example.com:8080");  // the target's, not the Host header's

    const auto upper = parse("GET HTTPS://[::1]/ HTTP/1.1\r\nHost: x\r\n\r\n");
    REQUIRE(upper.result.status == parse_status::complete);
    CHECK(upper.head.path == "/");
    CHECK(upper.head.host == "[::1]");

    // No path: the root, as RFC 9112 §3.2.1 has clients send it.
    const auto bare = parse("GET http://example.com HTTP/1.1\r\nHost: x\r\n\r\n");
    REQUIRE(bare.result.status == parse_status::complete);
    CHECK(bare.head.path == "/");
    CHECK(bare.head.query.empty());
    const auto bare_query = parse("GET http://example.com?q HTTP/1.1\r\nHost: x\r\n\r\n");
    REQUIRE(bare_query.result.status == parse_status::complete);
    CHECK(bare_query.head.path == "/");
    CHECK(bare_query.head.query == "?q");
}

TEST_CASE("an origin-form target has its path and query split out") {
    const auto p = parse("GET /a/b?c=d?e HTTP/1.1\r\nHost: x\r\n\r\n");
    REQUIRE(p.result.status == parse_status::complete);
    CHECK(p.head.path == "/a/b");
    CHECK(p.head.query == "?c=d?e");
    CHECK(p.head.host == "x");
    const auto star = parse("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n");  // judged by whoever serves it
    REQUIRE(star.result.status == parse_status::complete);
    CHECK(star.head.path == "*");
}

TEST_CASE("an absolute-form target with userinfo, no host, a bad host or another scheme is 400") {
    CHECK(bad_status("GET http://user@example.com/ HTTP/1.1\r\nHost: x\r\n\r\n") == 400);
    CHECK(bad_status("GET http:///a HTTP/1.1\r\nHost: x\r\n\r\n") == 400);
    CHECK(bad_status("GET http://a\\b/ HTTP/1.1\r\nHost: x\r\n\r\n") == 400);
    CHECK(bad_status("GET ftp://example.com/a HTTP/1.1\r\nHost: x\r\n\r\n") == 400);
    // Host is still required of an HTTP/1.1 client (RFC 9112 §3.2.2), as nginx insists.
    CHECK(bad_status("GET http://example.com/ HTTP/1.1\r\n\r\n") == 400);
    CHECK(is_complete("GET http://example.com/ HTTP/1.0\r\n\r\n"));
}

namespace {

// Feeds `text` to a resumable parse `step` bytes at a time, in one buffer that grows in
// place (as the server's does). Returns the first result that is not incomplete, or the
// last one; `examined` says whether every incomplete call examined all it was given.
struct fed {
    request_parse_result result{parse_status::incomplete, 0, {}};
    request_head head;
    bool examined = true;
};
fed feed(const std::string& text, std::size_t step, const request_limits& limits = {}) {
    fed f;
    request_parse_state state;
    for (std::size_t given = std::min(step, text.size());; given = std::min(given + step, text.size())) {
        f.result = parse_request(std::string_view(text).substr(0, given), f.head, state, limits);
        if (f.result.status != parse_status::incomplete) break;
        f.examined = f.examined && state.pos == given;
        if (given == text.size()) break;
    }
    return f;
}

}  // namespace

TEST_CASE("a head fed a byte at a time resumes where it stopped and ends as if given whole") {
    const std::string heads[] = {
        "GET /a?b HTTP/1.1\r\nHost: x\r\nX-Empty:\r\nX-Pad:  v  \r\n\r\nbody",
        "\r\n\nPOST /up HTTP/1.1\nHost: x\nTransfer-Encoding: chunked\n\n",
        "GET http://h:1/p HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        "GET /x HTTP/1.1\r\nHost : x\r\n\r\n",        // space before the colon
        "GET /x HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n",
        "GET /x HTTP/2.0\r\n\r\n",
        "GET /x HTTP/1.1\rHost: x\r\n\r\n",             // bare CR
        "GET /x HTTP/1.1\r\nHost: x\x01y\r\n\r\n",
        "G(T /x HTTP/1.1\r\n\r\n",
        "GET  /x HTTP/1.1\r\n\r\n",
        "GET /x HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\nHost: x\r\n\r\n",
    };
    for (const auto& text : heads) {
        CAPTURE(text);
        const auto whole = parse(text);
        for (const std::size_t step : {std::size_t{1}, std::size_t{2}, std::size_t{7}}) {
            CAPTURE(step);
            const auto f = feed(text, step);
            CHECK(f.examined);
            CHECK(f.result.status == whole.result.status);
            CHECK(f.result.error_status == whole.result.error_status);
            CHECK(f.result.error == whole.result.error);
            if (whole.result.status != parse_status::complete) continue;
            CHECK(f.head.head_size == whole.head.head_size);
            CHECK(f.head.method == whole.head.method);
            CHECK(f.head.target == whole.head.target);
            CHECK(f.head.path == whole.head.path);
            CHECK(f.head.host == whole.head.host);
            CHECK(f.head.keep_alive == whole.head.keep_alive);
            CHECK(f.head.chunked == whole.head.chunked);
            REQUIRE(f.head.headers.size() == whole.head.headers.size());
            for (std::size_t i = 0; i < f.head.headers.size(); ++i) {
                CHECK(f.head.headers.fields[i].name == whole.head.headers.fields[i].name);
                CHECK(f.head.headers.fields[i].value == whole.head.headers.fields[i].value);
            }
        }
    }
}

TEST_CASE("limits hold when a head is fed a byte at a time: 414 as the target grows past it, 431 at the head limit") {
    const request_limits small{64, 16};
    CHECK(feed("GET /" + std::string(20, 'a'), 1, small).result.error_status == 414);
    const auto big = feed("GET / HTTP/1.1\r\nX: " + std::string(100, 'v'), 1, small);
    CHECK(big.result.error_status == 431);
    CHECK(big.examined);
}
