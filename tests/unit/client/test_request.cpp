#include <doctest/doctest.h>

#include "client/request.hpp"

using namespace netlab::client;
using netlab::http::parse_url;

namespace {

netlab::http::url url_of(const char* text) {
    auto r = parse_url(text);
    REQUIRE(r.error == netlab::http::url_error::none);
    return r.value;
}

user_header header(const char* text) {
    std::string why;
    auto h = parse_user_header(text, why);
    INFO(why);
    REQUIRE(h);
    return *h;
}

}  // namespace

TEST_CASE("a plain GET has Host, User-Agent and Accept in curl's order") {
    request_spec spec;
    spec.user_agent = "netlab/1";
    CHECK(build_request_head(url_of("http://example.com/a?b=1"), spec) ==
          "GET /a?b=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: netlab/1\r\nAccept: */*\r\n\r\n");
}

TEST_CASE("Host carries a non-default port and brackets an IPv6 literal") {
    request_spec spec;
    const auto head = build_request_head(url_of("http://[::1]:8080/"), spec);
    CHECK(head.find("\r\nHost: [::1]:8080\r\n") != std::string::npos);
    CHECK(head.find("User-Agent") == std::string::npos);  // none given
}

TEST_CASE("percent-encoding in the target is sent as given") {
    request_spec spec;
    CHECK(build_request_head(url_of("http://h/a%20b/%2F?q=%41"), spec).starts_with("GET /a%20b/%2F?q=%41 HTTP/1.1\r\n"));
}

TEST_CASE("userinfo becomes Basic credentials, percent-decoded first") {
    request_spec spec;
    const auto head = build_request_head(url_of("http://Aladdin:open%20sesame@h/"), spec);
    CHECK(head.find("\r\nAuthorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n") != std::string::npos);
    spec.send_credentials = false;
    CHECK(build_request_head(url_of("http://Aladdin:open%20sesame@h/"), spec).find("Authorization") == std::string::npos);
    CHECK(basic_credentials("user") == "Basic dXNlcjo=");
    CHECK_FALSE(basic_credentials("us%zzer").has_value());
}

TEST_CASE("a body gets Content-Length and the form Content-Type unless one is given") {
    request_spec spec;
    spec.method = "POST";
    spec.body = "a=1&b=2";
    auto head = build_request_head(url_of("http://h/"), spec);
    CHECK(head.starts_with("POST / HTTP/1.1\r\n"));
    CHECK(head.find("\r\nContent-Length: 7\r\n") != std::string::npos);
    CHECK(head.find("\r\nContent-Type: application/x-www-form-urlencoded\r\n") != std::string::npos);

    spec.headers.push_back(header("content-type: application/json"));
    head = build_request_head(url_of("http://h/"), spec);
    CHECK(head.find("x-www-form-urlencoded") == std::string::npos);
    CHECK(head.find("\r\ncontent-type: application/json\r\n") != std::string::npos);
}

TEST_CASE("-H replaces a default header, 'Name:' removes it, a trailing semicolon sends it empty") {
    request_spec spec;
    spec.user_agent = "netlab/1";
    spec.headers = {header("User-Agent: other"), header("Accept:"), header("X-Empty;"), header("X-A: 1"),
                    header("X-A: 2")};
    const auto head = build_request_head(url_of("http://h/"), spec);
    CHECK(head == "GET / HTTP/1.1\r\nHost: h\r\nUser-Agent: other\r\nX-Empty:\r\nX-A: 1\r\nX-A: 2\r\n\r\n");
}

TEST_CASE("-H values with CR or LF, or names that are not tokens, are refused") {
    std::string why;
    CHECK_FALSE(parse_user_header("X-A: 1\r\nX-B: 2", why));
    CHECK(why.find("CR") != std::string::npos);
    CHECK_FALSE(parse_user_header("no colon here", why));
    CHECK_FALSE(parse_user_header("Bad Name: x", why));
    CHECK_FALSE(parse_user_header(": x", why));
    const auto h = header("X-Trim:   padded value  ");
    CHECK(h.value == "padded value");
}

TEST_CASE("methods must be tokens") {
    CHECK(valid_method("GET"));
    CHECK(valid_method("PROPFIND"));
    CHECK_FALSE(valid_method("GET /x"));
    CHECK_FALSE(valid_method(""));
    CHECK_FALSE(valid_method("A\r\nB"));
}

TEST_CASE("credentials given with -H are dropped before a redirect to another server") {
    using netlab::client::user_header;
    std::vector<user_header> h{{"authorization", "Bearer x"}, {"X-Trace", "1"}, {"Cookie", "a=b"},
                               {"Host", "h"}, {"Accept", "*/*"}};
    netlab::client::drop_origin_bound_headers(h);
    REQUIRE(h.size() == 2);
    CHECK(h[0].name == "X-Trace");
    CHECK(h[1].name == "Accept");
}
