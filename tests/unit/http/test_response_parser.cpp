#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "http/response_parser.hpp"

using namespace netlab::http;
using namespace std::string_literals;

namespace {

parse_status status_of(std::string_view text, const response_limits& limits = {}) {
    response_head head;
    return parse_response(text, head, limits).status;
}

// Parses a whole head and requires success; the head views point into `text`.
response_head parsed(std::string_view text) {
    response_head head;
    const auto r = parse_response(text, head);
    INFO("error: ", std::string(r.error));
    REQUIRE(r.status == parse_status::complete);
    return head;
}

framing_result framing(std::string_view head_text, std::string_view method = "GET") {
    const auto head = parsed(head_text);
    return body_framing_for(method, head);
}

bool keeps_alive(std::string_view head_text) { return response_keeps_alive(parsed(head_text)); }

std::string many_headers(std::size_t n) {
    std::string s = "HTTP/1.1 200 OK\r\n";
    for (std::size_t i = 0; i < n; ++i) s += "X-" + std::to_string(i) + ": v\r\n";
    return s + "\r\n";
}

}  // namespace

TEST_CASE("status line and header fields are parsed with CRLF line ends") {
    const std::string text = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello";
    const auto head = parsed(text);
    CHECK(head.version_major == 1);
    CHECK(head.version_minor == 1);
    CHECK(head.status == 200);
    CHECK(head.reason == "OK");
    REQUIRE(head.headers.size() == 2);
    CHECK(head.headers.fields[0].name == "Content-Type");
    CHECK(head.headers.fields[0].value == "text/plain");
    CHECK(head.head_size == text.size() - 5);
}

TEST_CASE("bare LF line ends are accepted, also mixed with CRLF") {
    const std::string lf = "HTTP/1.0 404 Not Found\nServer: x\n\nbody";
    const auto head = parsed(lf);
    CHECK(head.version_minor == 0);
    CHECK(head.status == 404);
    CHECK(head.reason == "Not Found");
    CHECK(head.headers.fields[0].value == "x");
    CHECK(head.head_size == lf.size() - 4);

    const std::string mixed = "HTTP/1.1 200 OK\r\nA: 1\nB: 2\r\n\n";
    CHECK(parsed(mixed).headers.size() == 2);
    CHECK(parsed(mixed).head_size == mixed.size());
    CHECK(parsed("HTTP/1.1 200 OK\n\r\n").head_size == 18);
}

TEST_CASE("every proper prefix of a valid head is incomplete") {
    const std::string text = "HTTP/1.1 301 Moved Permanently\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n";
    for (std::size_t n = 0; n < text.size(); ++n) {
        INFO("prefix length ", n);
        CHECK(status_of(std::string_view(text).substr(0, n)) == parse_status::incomplete);
    }
    CHECK(status_of(text) == parse_status::complete);
}

TEST_CASE("head_size stops at the end of the first head when responses are pipelined") {
    const std::string two = "HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\n\r\n";
    CHECK(parsed(two).head_size == 27);
    CHECK(parsed(two).status == 204);
}

TEST_CASE("status line without a reason phrase is accepted") {
    CHECK(parsed("HTTP/1.1 200\r\n\r\n").reason.empty());
    CHECK(parsed("HTTP/1.1 404 \r\n\r\n").reason.empty());
    CHECK(parsed("HTTP/1.1 200 \tOK \xe2\x9c\x93\r\n\r\n").reason == "\tOK \xe2\x9c\x93");
}

TEST_CASE("malformed status lines are bad") {
    for (const char* text : {"HTTP/1.1  200 OK\r\n\r\n", "HTTP/1.1 20\r\n\r\n", "HTTP/1.1 2000 OK\r\n\r\n",
                             "HTTP/1.1 200OK\r\n\r\n", "HTTP/11 200 OK\r\n\r\n", "HTTP/1. 200 OK\r\n\r\n",
                             "HTTP/1.1 abc OK\r\n\r\n", "HTTP/1.1\r\n\r\n", "HTTP/1.1 -20 OK\r\n\r\n",
                             "HTTP/1.1 200 O\x01K\r\n\r\n"}) {
        INFO(text);
        response_head head;
        const auto r = parse_response(text, head);
        CHECK(r.status == parse_status::bad);
        CHECK_FALSE(r.error.empty());
    }
}

TEST_CASE("HTTP versions other than 1.x are bad") {
    CHECK(status_of("HTTP/2.0 200 OK\r\n\r\n") == parse_status::bad);
    CHECK(status_of("HTTP/0.9 200 OK\r\n\r\n") == parse_status::bad);
    CHECK(parsed("HTTP/1.2 200 OK\r\n\r\n").version_minor == 2);
}

TEST_CASE("status codes outside 100-599 are bad") {
    CHECK(status_of("HTTP/1.1 099 X\r\n\r\n") == parse_status::bad);
    CHECK(status_of("HTTP/1.1 600 X\r\n\r\n") == parse_status::bad);
    CHECK(status_of("HTTP/1.1 000 X\r\n\r\n") == parse_status::bad);
    CHECK(parsed("HTTP/1.1 100 Continue\r\n\r\n").status == 100);
    CHECK(parsed("HTTP/1.1 599 X\r\n\r\n").status == 599);
}

TEST_CASE("bytes that cannot start HTTP/ are bad at once, even a single byte") {
    CHECK(status_of("<html>") == parse_status::bad);
    CHECK(status_of("<") == parse_status::bad);
    CHECK(status_of("SSH-2.0-OpenSSH\r\n") == parse_status::bad);
    CHECK(status_of("http/1.1 200 OK\r\n\r\n") == parse_status::bad);
    CHECK(status_of("\r\nHTTP/1.1 200 OK\r\n\r\n") == parse_status::bad);
    CHECK(status_of("HTT") == parse_status::incomplete);
    CHECK(status_of("") == parse_status::incomplete);
}

TEST_CASE("a broken status line is bad before the rest of the head arrives") {
    CHECK(status_of("HTTP/1.1 abc\r\nServer: x\r\n") == parse_status::bad);
    CHECK(status_of("HTTP/1.1 200 OK\r\nServer: x\r\n") == parse_status::incomplete);
}

TEST_CASE("header values lose surrounding whitespace but keep inner whitespace") {
    const auto head = parsed("HTTP/1.1 200 OK\r\nX:   a  b \t\r\nEmpty:\r\nSpaces:   \r\n\r\n");
    REQUIRE(head.headers.size() == 3);
    CHECK(head.headers.fields[0].value == "a  b");
    CHECK(head.headers.fields[1].value.empty());
    CHECK(head.headers.fields[2].value.empty());
}

TEST_CASE("header values may carry obs-text and colons") {
    const auto head = parsed("HTTP/1.1 200 OK\r\nX: caf\xc3\xa9: 1\r\n\r\n");
    CHECK(head.headers.fields[0].value == "caf\xc3\xa9: 1");
}

TEST_CASE("find_header on a parsed head ignores name case") {
    const auto head = parsed("HTTP/1.1 200 OK\r\ncontent-LENGTH: 7\r\n\r\n");
    const auto* f = find_header(head.headers, "Content-Length");
    REQUIRE(f != nullptr);
    CHECK(f->value == "7");
}

TEST_CASE("malformed header lines are bad") {
    for (const char* text : {"HTTP/1.1 200 OK\r\nX : y\r\n\r\n", "HTTP/1.1 200 OK\r\nNoColon\r\n\r\n",
                             "HTTP/1.1 200 OK\r\n: y\r\n\r\n", "HTTP/1.1 200 OK\r\nA(b): y\r\n\r\n",
                             "HTTP/1.1 200 OK\r\nA: 1\r\n folded\r\n\r\n", "HTTP/1.1 200 OK\r\n\tX: y\r\n\r\n",
                             "HTTP/1.1 200 OK\r\nX: a\x01z\r\n\r\n", "HTTP/1.1 200 OK\r\nX: a\x7fz\r\n\r\n",
                             "HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n", "HTTP/1.1 200 OK\rX: y\r\n\r\n",
                             "HTTP/1.1 200 OK\r\nX\x80: y\r\n\r\n"}) {
        INFO(text);
        response_head head;
        const auto r = parse_response(text, head);
        CHECK(r.status == parse_status::bad);
        CHECK_FALSE(r.error.empty());
    }
}

TEST_CASE("NUL in a header value is bad") {
    CHECK(status_of("HTTP/1.1 200 OK\r\nX: a\0b\r\n\r\n"s) == parse_status::bad);
}

TEST_CASE("obs-fold is reported by name") {
    response_head head;
    const auto r = parse_response("HTTP/1.1 200 OK\r\nA: 1\r\n  more\r\n\r\n", head);
    CHECK(r.error.find("folding") != std::string_view::npos);
}

TEST_CASE("100 header fields fit, 101 are bad") {
    CHECK(parsed(many_headers(100)).headers.size() == 100);
    response_head head;
    const auto r = parse_response(many_headers(101), head);
    CHECK(r.status == parse_status::bad);
    CHECK(r.error.find("too many") != std::string_view::npos);
}

TEST_CASE("a head of exactly max_head_bytes is complete, one byte more is bad") {
    const response_limits limits{100};
    std::string head = "HTTP/1.1 200 OK\r\nX: ";
    head += std::string(100 - head.size() - 4, 'a') + "\r\n\r\n";
    REQUIRE(head.size() == 100);
    CHECK(status_of(head, limits) == parse_status::complete);
    CHECK(status_of(head + "body", limits) == parse_status::complete);
    std::string longer = "HTTP/1.1 200 OK\r\nX: a";
    longer += std::string(100 - longer.size() - 3, 'a') + "\r\n\r\n";
    REQUIRE(longer.size() == 101);
    CHECK(status_of(longer, limits) == parse_status::bad);
}

TEST_CASE("an incomplete head that already reaches the limit is bad with a clear error") {
    std::string text = "HTTP/1.1 200 OK\r\nX: " + std::string(70000, 'a');
    response_head head;
    auto r = parse_response(text, head);
    CHECK(r.status == parse_status::bad);
    CHECK(r.error == "response head larger than 65536 bytes");
    r = parse_response(std::string_view(text).substr(0, 65535), head);
    CHECK(r.status == parse_status::incomplete);
    r = parse_response(std::string_view(text).substr(0, 65536), head);
    CHECK(r.status == parse_status::bad);
}

TEST_CASE("a custom head limit reports the configured limit") {
    response_head head;
    const auto r = parse_response("HTTP/1.1 200 OK\r\nX: aaaaaaaaaaaaaaaaaaaa", head, response_limits{32});
    CHECK(r.status == parse_status::bad);
    CHECK(r.error.find("limit") != std::string_view::npos);
}

TEST_CASE("the output is reset on every call") {
    response_head head;
    REQUIRE(parse_response("HTTP/1.1 200 OK\r\nA: 1\r\n\r\n", head).status == parse_status::complete);
    CHECK(parse_response("HTTP/1.0 302 Found\r\n", head).status == parse_status::incomplete);
    CHECK(head.headers.size() == 0);
    CHECK(head.head_size == 0);
}

TEST_CASE("framing: HEAD, 1xx, 204 and 304 have no body whatever the headers say") {
    CHECK(framing("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", "HEAD").framing == body_framing::none);
    CHECK(framing("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "HEAD").framing ==
          body_framing::none);
    CHECK(framing("HTTP/1.1 100 Continue\r\n\r\n").framing == body_framing::none);
    CHECK(framing("HTTP/1.1 101 Switching Protocols\r\n\r\n").framing == body_framing::none);
    CHECK(framing("HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n").framing == body_framing::none);
    CHECK(framing("HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n").framing == body_framing::none);
}

TEST_CASE("framing: Content-Length gives its length") {
    auto f = framing("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n");
    CHECK(f.framing == body_framing::content_length);
    CHECK(f.length == 1234);
    CHECK_FALSE(f.bad);
    CHECK(framing("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n").length == 0);
    CHECK(framing("HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\n").framing == body_framing::content_length);
    f = framing("HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n\r\n");
    CHECK(f.framing == body_framing::content_length);
    CHECK(f.length == UINT64_MAX);
}

TEST_CASE("framing: identical repeated Content-Length values are accepted") {
    CHECK(framing("HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\n").length == 5);
    CHECK(framing("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n").length == 5);
}

TEST_CASE("framing: conflicting Content-Length values are bad") {
    auto f = framing("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n");
    CHECK(f.bad);
    CHECK(f.error.find("conflicting") != std::string_view::npos);
    CHECK(framing("HTTP/1.1 200 OK\r\nContent-Length: 5, 50\r\n\r\n").bad);
}

TEST_CASE("framing: Content-Length that is not plain digits is bad") {
    for (const char* v : {"abc", "-1", "+5", "5 5", "0x10", "1.0", "18446744073709551616",
                          "99999999999999999999999"}) {
        INFO(v);
        const auto f = framing("HTTP/1.1 200 OK\r\nContent-Length: "s + v + "\r\n\r\n");
        CHECK(f.bad);
        CHECK_FALSE(f.error.empty());
    }
    CHECK(framing("HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n").bad);
}

TEST_CASE("framing: chunked as the final coding is chunked, in any case") {
    CHECK(framing("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n").framing == body_framing::chunked);
    CHECK(framing("HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n").framing == body_framing::chunked);
    CHECK(framing("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n").framing ==
          body_framing::chunked);
    CHECK(framing("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n").framing ==
          body_framing::chunked);
}

TEST_CASE("framing: Transfer-Encoding chunked wins over Content-Length") {
    const auto f = framing("HTTP/1.1 200 OK\r\nContent-Length: 10\r\nTransfer-Encoding: chunked\r\n\r\n");
    CHECK(f.framing == body_framing::chunked);
    CHECK_FALSE(f.bad);
}

TEST_CASE("framing: a Transfer-Encoding not ending in chunked reads until close") {
    CHECK(framing("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n").framing == body_framing::until_close);
    CHECK(framing("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\nContent-Length: 3\r\n\r\n").framing ==
          body_framing::until_close);
}

TEST_CASE("framing: chunked twice, empty Transfer-Encoding, or Transfer-Encoding in 1.0 is bad") {
    CHECK(framing("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n").bad);
    CHECK(framing("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n").bad);
    CHECK(framing("HTTP/1.1 200 OK\r\nTransfer-Encoding: \r\n\r\n").bad);
    CHECK(framing("HTTP/1.1 200 OK\r\nTransfer-Encoding: ,\r\n\r\n").bad);
    const auto f = framing("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n");
    CHECK(f.bad);
    CHECK(f.error.find("1.0") != std::string_view::npos);
}

TEST_CASE("framing: neither length nor coding means until close") {
    const auto f = framing("HTTP/1.1 200 OK\r\nServer: x\r\n\r\n");
    CHECK(f.framing == body_framing::until_close);
    CHECK_FALSE(f.bad);
    CHECK(framing("HTTP/1.0 200 OK\r\n\r\n").framing == body_framing::until_close);
}

TEST_CASE("keep-alive: HTTP/1.1 persists unless Connection: close") {
    CHECK(keeps_alive("HTTP/1.1 200 OK\r\n\r\n"));
    CHECK(keeps_alive("HTTP/1.1 200 OK\r\nConnection: upgrade\r\n\r\n"));
    CHECK_FALSE(keeps_alive("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"));
    CHECK_FALSE(keeps_alive("HTTP/1.1 200 OK\r\nconnection: CLOSE\r\n\r\n"));
    CHECK_FALSE(keeps_alive("HTTP/1.1 200 OK\r\nConnection: keep-alive, close\r\n\r\n"));
    CHECK_FALSE(keeps_alive("HTTP/1.1 200 OK\r\nConnection: te\r\nConnection: close\r\n\r\n"));
    CHECK(keeps_alive("HTTP/1.1 200 OK\r\nConnection: closed\r\n\r\n"));
}

TEST_CASE("keep-alive: HTTP/1.0 persists only with Connection: keep-alive") {
    CHECK_FALSE(keeps_alive("HTTP/1.0 200 OK\r\n\r\n"));
    CHECK(keeps_alive("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\n\r\n"));
    CHECK(keeps_alive("HTTP/1.0 200 OK\r\nConnection: foo, keep-alive\r\n\r\n"));
    CHECK_FALSE(keeps_alive("HTTP/1.0 200 OK\r\nConnection: keep-alive, close\r\n\r\n"));
}

TEST_CASE("an interim 1xx head parses on its own and the final head follows it in the same buffer") {
    const std::string text = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                             "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    std::string_view rest = text;
    int statuses[3] = {};
    for (int& s : statuses) {
        response_head head;
        REQUIRE(parse_response(rest, head).status == parse_status::complete);
        s = head.status;
        if (s < 200) CHECK(body_framing_for("GET", head).framing == body_framing::none);
        rest.remove_prefix(head.head_size);
    }
    CHECK(statuses[0] == 100);
    CHECK(statuses[1] == 103);
    CHECK(statuses[2] == 200);
    CHECK(rest == "ok");
}
