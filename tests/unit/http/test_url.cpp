#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "http/url.hpp"

using namespace netlab::http;
using namespace std::string_literals;

namespace {

url parsed(std::string_view text) {
    auto r = parse_url(text);
    INFO("input: ", std::string(text), " message: ", r.message);
    REQUIRE(r.error == url_error::none);
    CHECK(r.message.empty());
    return r.value;
}

url_error error_of(std::string_view text) { return parse_url(text).error; }

// A message is for a human's terminal: one line, printable ASCII, says something.
bool one_clean_line(const std::string& m) {
    if (m.empty()) return false;
    for (const char c : m)
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) return false;
    return true;
}

std::string resolved(const url& base, std::string_view location) {
    auto r = resolve_reference(base, location);
    INFO("location: ", std::string(location), " message: ", r.message);
    REQUIRE(r.error == url_error::none);
    return r.value.to_string();
}

}  // namespace

TEST_CASE("full URL splits into scheme, host, default port and target without fragment") {
    const auto u = parsed("http://example.com/path/x?q=1&r=2#frag");
    CHECK(u.scheme == "http");
    CHECK(u.host == "example.com");
    CHECK(u.port == 80);
    CHECK_FALSE(u.port_given);
    CHECK_FALSE(u.host_is_ipv6_literal);
    CHECK(u.userinfo.empty());
    CHECK(u.target == "/path/x?q=1&r=2");
}

TEST_CASE("missing scheme means http, like curl") {
    const auto u = parsed("127.0.0.1:8080/x");
    CHECK(u.scheme == "http");
    CHECK(u.host == "127.0.0.1");
    CHECK(u.port == 8080);
    CHECK(u.port_given);
    CHECK(u.target == "/x");
    CHECK(parsed("example.com").target == "/");
    CHECK(parsed("localhost:9").port == 9);
}

TEST_CASE("scheme and host are lower-cased but the path keeps its case") {
    const auto u = parsed("HTTP://Example.COM/Some/Path");
    CHECK(u.scheme == "http");
    CHECK(u.host == "example.com");
    CHECK(u.target == "/Some/Path");
}

TEST_CASE("empty path becomes slash, also before a query or fragment") {
    CHECK(parsed("http://h").target == "/");
    CHECK(parsed("http://h?x=1").target == "/?x=1");
    CHECK(parsed("http://h#top").target == "/");
    CHECK(parsed("http://h/#top").target == "/");
}

TEST_CASE("userinfo is kept raw and never printed") {
    const auto u = parsed("http://user:p%40ss@h:81/");
    CHECK(u.userinfo == "user:p%40ss");
    CHECK(u.host == "h");
    CHECK(u.port == 81);
    CHECK(u.to_string() == "http://h:81/");
    CHECK(u.authority_for_host_header() == "h:81");
}

TEST_CASE("the last @ separates userinfo from host") {
    const auto u = parsed("http://u:p@ss@good.example/");
    CHECK(u.userinfo == "u:p@ss");
    CHECK(u.host == "good.example");
}

TEST_CASE("scheme-less URL with userinfo is not mistaken for a scheme") {
    const auto u = parsed("user:pw@host/x");
    CHECK(u.scheme == "http");
    CHECK(u.userinfo == "user:pw");
    CHECK(u.host == "host");
}

TEST_CASE("invalid character in userinfo is malformed") {
    CHECK(error_of("http://a\"b@h/") == url_error::malformed);
    CHECK(error_of("http://a<b@h/") == url_error::malformed);
}

TEST_CASE("IPv6 literal is stored without brackets and bracketed in Host") {
    const auto u = parsed("http://[::1]:8080/a");
    CHECK(u.host == "::1");
    CHECK(u.host_is_ipv6_literal);
    CHECK(u.port == 8080);
    CHECK(u.authority_for_host_header() == "[::1]:8080");
    CHECK(u.to_string() == "http://[::1]:8080/a");
    CHECK(parsed("[::1]").authority_for_host_header() == "[::1]");
}

TEST_CASE("IPv6 literal forms: full, compressed, upper case, embedded IPv4") {
    CHECK(parsed("http://[2001:db8:0:0:0:0:0:1]/").host == "2001:db8:0:0:0:0:0:1");
    CHECK(parsed("http://[FE80::A]/").host == "fe80::a");
    CHECK(parsed("http://[::ffff:192.0.2.1]/").host == "::ffff:192.0.2.1");
    CHECK(parsed("http://[::]/").host == "::");
    CHECK(parsed("http://[1::]/").host == "1::");
    CHECK(parsed("http://[1:2:3:4:5:6:7::]/").host == "1:2:3:4:5:6:7::");
}

TEST_CASE("invalid IPv6 literals are bad_host") {
    for (const char* text : {"http://[::1/", "http://[1:2:3:4:5:6:7:8:9]/", "http://[1::2::3]/",
                             "http://[::1]x/", "http://[12345::]/", "http://[::1%25eth0]/",
                             "http://[:1]/", "http://[1:]/", "http://[]/", "http://[v1.x]/",
                             "http://[::1.2.3]/", "http://[::256.1.1.1]/", "http://[1:2:3:4:5:6:7:8::]/",
                             "http://[1:2:3:4:5:6:7]/", "http://[g::1]/"}) {
        INFO(text);
        const auto r = parse_url(text);
        CHECK(r.error == url_error::bad_host);
        CHECK(one_clean_line(r.message));
    }
}

TEST_CASE("unbracketed IPv6 address is bad_host with a hint") {
    const auto r = parse_url("http://fe80::1/");
    CHECK(r.error == url_error::bad_host);
    CHECK(r.message.find("[ ]") != std::string::npos);
    CHECK(error_of("::1") == url_error::bad_host);
}

TEST_CASE("port 1 to 65535 is accepted, leading zeros allowed") {
    CHECK(parsed("http://h:1/").port == 1);
    CHECK(parsed("http://h:65535/").port == 65535);
    CHECK(parsed("http://h:080/").port == 80);
}

TEST_CASE("empty port means the default port") {
    const auto u = parsed("http://h:/x");
    CHECK(u.port == 80);
    CHECK_FALSE(u.port_given);
}

TEST_CASE("port outside 1-65535 or not digits is bad_port naming the port") {
    for (const char* text : {"http://h:0/", "http://h:65536/", "http://h:99999999999999999999/",
                             "http://h:80a/", "http://h:-1/", "http://h:+80/", "http://[::1]:x/",
                             "h:4294967376"}) {
        INFO(text);
        const auto r = parse_url(text);
        CHECK(r.error == url_error::bad_port);
        CHECK(one_clean_line(r.message));
    }
    CHECK(parse_url("http://h:65536/").message.find("65536") != std::string::npos);
}

TEST_CASE("Host header omits the default port even when given") {
    CHECK(parsed("http://h:80/").authority_for_host_header() == "h");
    CHECK(parsed("http://h:8080/").authority_for_host_header() == "h:8080");
    CHECK(parsed("http://h:80/x").to_string() == "http://h/x");
}

TEST_CASE("bad characters or empty labels in host are bad_host") {
    for (const char* text : {"http://a!b/", "http://a%41b/", "http:///x", "http://a..b/", "http://.a/",
                             "http://./", "http://a,b/", "http://a\xff/", "http://@/", "http://:80/",
                             "http://h\\x/"}) {
        INFO(text);
        const auto r = parse_url(text);
        CHECK(r.error == url_error::bad_host);
        CHECK(one_clean_line(r.message));
    }
}

TEST_CASE("host with a trailing dot and underscores is accepted") {
    CHECK(parsed("http://example.com./").host == "example.com.");
    CHECK(parsed("http://my_host-1/").host == "my_host-1");
}

TEST_CASE("host name longer than 253 characters is bad_host") {
    std::string label(63, 'a');
    std::string host = label + "." + label + "." + label + "." + label;  // 255
    CHECK(error_of("http://" + host + "/") == url_error::bad_host);
    CHECK(error_of("http://" + host.substr(0, 253) + "/") == url_error::none);
}

TEST_CASE("spaces anywhere are malformed") {
    for (const char* text : {"http://h/a b", "http://h /", " http://h/", "http://h/ ", "http://h/?q=a b"}) {
        INFO(text);
        const auto r = parse_url(text);
        CHECK(r.error == url_error::malformed);
        CHECK(r.message.find("space") != std::string::npos);
    }
}

TEST_CASE("control characters such as CR LF are malformed, so no header injection") {
    CHECK(error_of("http://h/\r\nX-Evil: 1") == url_error::malformed);
    CHECK(error_of("http://h/\n") == url_error::malformed);
    CHECK(error_of("http://h/\t") == url_error::malformed);
    CHECK(error_of("http://h/\x7f") == url_error::malformed);
    CHECK(error_of("http://h/a\0b"s) == url_error::malformed);
    CHECK(one_clean_line(parse_url("http://h/\r").message));
}

TEST_CASE("https URL has port 443 by default and shows other ports in Host") {
    auto u = parsed("HTTPS://Example.com/a");
    CHECK(u.scheme == "https");
    CHECK(u.port == 443);
    CHECK_FALSE(u.port_given);
    CHECK(u.authority_for_host_header() == "example.com");
    CHECK(u.to_string() == "https://example.com/a");
    CHECK(parsed("https://h:80/").authority_for_host_header() == "h:80");
    CHECK(parsed("https://[::1]:8443/").to_string() == "https://[::1]:8443/");
    CHECK(parsed("http://h:443/").authority_for_host_header() == "h:443");
}

TEST_CASE("other schemes are unsupported_scheme with the scheme filled in") {
    auto r = parse_url("ftp://example.com/");
    CHECK(r.error == url_error::unsupported_scheme);
    CHECK(r.value.scheme == "ftp");
    CHECK(r.message.find("ftp") != std::string::npos);
    CHECK(r.message.find("https://") != std::string::npos);
    CHECK(parse_url("FTP://h/").value.scheme == "ftp");
    CHECK(parse_url("FTP://h/").error == url_error::unsupported_scheme);
    CHECK(error_of("https:/h") == url_error::malformed);
    CHECK(error_of("mailto:x") == url_error::unsupported_scheme);
    CHECK(error_of("svn+ssh://h/") == url_error::unsupported_scheme);
}

TEST_CASE("http without // is malformed, not a host called http") {
    CHECK(error_of("http:/h/x") == url_error::malformed);
    CHECK(error_of("http:h") == url_error::malformed);
}

TEST_CASE("empty input is empty, missing scheme before :// is malformed") {
    const auto r = parse_url("");
    CHECK(r.error == url_error::empty);
    CHECK(one_clean_line(r.message));
    CHECK(error_of("://h/") == url_error::malformed);
}

TEST_CASE("dot segments are removed from the path but not the query") {
    CHECK(parsed("http://h/a/b/../c/./d").target == "/a/c/d");
    CHECK(parsed("http://h/../../x").target == "/x");
    CHECK(parsed("http://h/a/..").target == "/");
    CHECK(parsed("http://h/a/.").target == "/a/");
    CHECK(parsed("http://h/a?x=/../y").target == "/a?x=/../y");
    CHECK(parsed("http://h/a//b").target == "/a//b");
}

TEST_CASE("existing percent-encoding is kept as given") {
    CHECK(parsed("http://h/a%2Fb%zz?x=%41").target == "/a%2Fb%zz?x=%41");
}

TEST_CASE("non-ASCII bytes in path and query are percent-encoded") {
    CHECK(parsed("http://h/caf\xC3\xA9?q=\xFF").target == "/caf%C3%A9?q=%FF");
}

TEST_CASE("error messages quote hostile input as bounded printable text") {
    const auto r = parse_url("http://" + std::string(500, 'a') + "\xff/");
    CHECK(r.error == url_error::bad_host);
    CHECK(one_clean_line(r.message));
    CHECK(r.message.size() < 200);
}

TEST_CASE("resolve: RFC 3986 5.4.1 normal examples") {
    const url base = parsed("http://a/b/c/d;p?q");
    CHECK(resolved(base, "g") == "http://a/b/c/g");
    CHECK(resolved(base, "./g") == "http://a/b/c/g");
    CHECK(resolved(base, "g/") == "http://a/b/c/g/");
    CHECK(resolved(base, "/g") == "http://a/g");
    CHECK(resolved(base, "//g") == "http://g/");
    CHECK(resolved(base, "?y") == "http://a/b/c/d;p?y");
    CHECK(resolved(base, "g?y") == "http://a/b/c/g?y");
    CHECK(resolved(base, "#s") == "http://a/b/c/d;p?q");
    CHECK(resolved(base, "g#s") == "http://a/b/c/g");
    CHECK(resolved(base, "g?y#s") == "http://a/b/c/g?y");
    CHECK(resolved(base, ";x") == "http://a/b/c/;x");
    CHECK(resolved(base, "g;x") == "http://a/b/c/g;x");
    CHECK(resolved(base, "g;x?y#s") == "http://a/b/c/g;x?y");
    CHECK(resolved(base, ".") == "http://a/b/c/");
    CHECK(resolved(base, "./") == "http://a/b/c/");
    CHECK(resolved(base, "..") == "http://a/b/");
    CHECK(resolved(base, "../") == "http://a/b/");
    CHECK(resolved(base, "../g") == "http://a/b/g");
    CHECK(resolved(base, "../..") == "http://a/");
    CHECK(resolved(base, "../../") == "http://a/");
    CHECK(resolved(base, "../../g") == "http://a/g");
}

TEST_CASE("resolve: RFC 3986 5.4.2 abnormal examples") {
    const url base = parsed("http://a/b/c/d;p?q");
    CHECK(resolved(base, "../../../g") == "http://a/g");
    CHECK(resolved(base, "../../../../g") == "http://a/g");
    CHECK(resolved(base, "/./g") == "http://a/g");
    CHECK(resolved(base, "/../g") == "http://a/g");
    CHECK(resolved(base, "g.") == "http://a/b/c/g.");
    CHECK(resolved(base, ".g") == "http://a/b/c/.g");
    CHECK(resolved(base, "g..") == "http://a/b/c/g..");
    CHECK(resolved(base, "..g") == "http://a/b/c/..g");
    CHECK(resolved(base, "./../g") == "http://a/b/g");
    CHECK(resolved(base, "./g/.") == "http://a/b/c/g/");
    CHECK(resolved(base, "g/./h") == "http://a/b/c/g/h");
    CHECK(resolved(base, "g/../h") == "http://a/b/c/h");
    CHECK(resolved(base, "g;x=1/./y") == "http://a/b/c/g;x=1/y");
    CHECK(resolved(base, "g;x=1/../y") == "http://a/b/c/y");
    CHECK(resolved(base, "g?y/./x") == "http://a/b/c/g?y/./x");
    CHECK(resolved(base, "g?y/../x") == "http://a/b/c/g?y/../x");
    CHECK(resolved(base, "g#s/./x") == "http://a/b/c/g");
    CHECK(resolved(base, "g#s/../x") == "http://a/b/c/g");
}

TEST_CASE("resolve: a reference with a scheme is absolute") {
    const url base = parsed("http://a/b/c/d;p?q");
    CHECK(resolve_reference(base, "g:h").error == url_error::unsupported_scheme);
    CHECK(resolve_reference(base, "http:g").error == url_error::malformed);
}

TEST_CASE("resolve: absolute Location replaces host, port and userinfo") {
    const url base = parsed("http://me:pw@a:8080/x");
    const auto r = resolve_reference(base, "HTTP://Other.example:81/y?z#f");
    REQUIRE(r.error == url_error::none);
    CHECK(r.value.host == "other.example");
    CHECK(r.value.port == 81);
    CHECK(r.value.userinfo.empty());
    CHECK(r.value.target == "/y?z");
}

TEST_CASE("resolve: relative Location keeps host, port and userinfo of the base") {
    const url base = parsed("http://me:pw@a:8080/x/y");
    const auto r = resolve_reference(base, "z");
    REQUIRE(r.error == url_error::none);
    CHECK(r.value.host == "a");
    CHECK(r.value.port == 8080);
    CHECK(r.value.port_given);
    CHECK(r.value.userinfo == "me:pw");
    CHECK(r.value.target == "/x/z");
}

TEST_CASE("resolve: scheme-relative Location uses the base scheme and its own authority") {
    const url base = parsed("http://a:8080/x");
    const auto r = resolve_reference(base, "//[::1]:9000/p");
    REQUIRE(r.error == url_error::none);
    CHECK(r.value.host == "::1");
    CHECK(r.value.port == 9000);
    CHECK(r.value.to_string() == "http://[::1]:9000/p");
    CHECK(resolved(base, "//b") == "http://b/");
}

TEST_CASE("resolve: an https Location switches scheme and default port, and back") {
    const auto r = resolve_reference(parsed("http://a:8080/x"), "https://a/y");
    REQUIRE(r.error == url_error::none);
    CHECK(r.value.scheme == "https");
    CHECK(r.value.port == 443);
    CHECK(resolved(parsed("https://a/x"), "http://a/y") == "http://a/y");
    CHECK(resolved(parsed("https://a:8443/x"), "//b/y") == "https://b/y");
    CHECK(resolved(parsed("https://a:8443/x"), "/y") == "https://a:8443/y");
    CHECK(resolve_reference(parsed("http://a/"), "ftp://a/").error == url_error::unsupported_scheme);
}

TEST_CASE("resolve: hostile Location with CR LF, space or empty is rejected") {
    const url base = parsed("http://a/");
    CHECK(resolve_reference(base, "/x\r\nSet-Cookie: a=b").error == url_error::malformed);
    CHECK(resolve_reference(base, "/a b").error == url_error::malformed);
    CHECK(resolve_reference(base, "").error == url_error::empty);
    CHECK(resolve_reference(base, "//evil:99999/").error == url_error::bad_port);
    CHECK(resolve_reference(base, "//ev!l/").error == url_error::bad_host);
    CHECK(resolve_reference(base, "//").error == url_error::bad_host);
}

TEST_CASE("resolve: non-ASCII in a relative Location is percent-encoded") {
    const url base = parsed("http://a/dir/");
    CHECK(resolved(base, "caf\xC3\xA9") == "http://a/dir/caf%C3%A9");
}

TEST_CASE("resolve: query-only Location keeps the base path") {
    const url base = parsed("http://a/p/q?old");
    CHECK(resolved(base, "?new") == "http://a/p/q?new");
    CHECK(resolved(base, "?") == "http://a/p/q?");
}

TEST_CASE("resolve: IPv6 base keeps its brackets in the result") {
    const url base = parsed("http://[::1]:8080/a/b");
    CHECK(resolved(base, "c") == "http://[::1]:8080/a/c");
}

TEST_CASE("resolve: default-constructed base still gives an http URL") {
    url base;
    base.host = "h";
    CHECK(resolved(base, "x") == "http://h/x");
}

TEST_CASE("percent_decode decodes %XX in either case and leaves + alone") {
    CHECK(percent_decode("a%20b") == "a b");
    CHECK(percent_decode("%41%4a%4A") == "AJJ");
    CHECK(percent_decode("a+b") == "a+b");
    CHECK(percent_decode("") == "");
    CHECK(percent_decode("%00") == std::string(1, '\0'));
    CHECK(percent_decode("p%40ss%3A") == "p@ss:");
}

TEST_CASE("percent_decode rejects a truncated or non-hex escape") {
    CHECK_FALSE(percent_decode("%").has_value());
    CHECK_FALSE(percent_decode("%4").has_value());
    CHECK_FALSE(percent_decode("a%zz").has_value());
    CHECK_FALSE(percent_decode("%g0").has_value());
    CHECK_FALSE(percent_decode("ok%2").has_value());
}

TEST_CASE("base64_encode matches RFC 4648 test vectors") {
    CHECK(base64_encode("") == "");
    CHECK(base64_encode("f") == "Zg==");
    CHECK(base64_encode("fo") == "Zm8=");
    CHECK(base64_encode("foo") == "Zm9v");
    CHECK(base64_encode("foob") == "Zm9vYg==");
    CHECK(base64_encode("fooba") == "Zm9vYmE=");
    CHECK(base64_encode("foobar") == "Zm9vYmFy");
}

TEST_CASE("base64_encode gives RFC 7617's Basic credentials and handles high bytes") {
    CHECK(base64_encode("Aladdin:open sesame") == "QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    CHECK(base64_encode("\xff\xfe") == "//4=");
    CHECK(base64_encode("\xfb\xff\xbf") == "+/+/");
}

TEST_CASE("userinfo, IPv6 literal, port and encoded query together") {
    const auto r = parse_url("http://u%40x:p%3Aw@[::1]:8080/a%2Fb?q=%20#frag");
    REQUIRE(r.error == url_error::none);
    CHECK(r.value.userinfo == "u%40x:p%3Aw");
    CHECK(r.value.host == "::1");
    CHECK(r.value.port == 8080);
    CHECK(r.value.target == "/a%2Fb?q=%20");
    CHECK(r.value.to_string() == "http://[::1]:8080/a%2Fb?q=%20");
}
