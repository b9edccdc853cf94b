#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "http/path.hpp"

using namespace netlab::http;

namespace {

path_error error_of(std::string_view target) { return normalize_target(target).error; }

std::string path_of(std::string_view target) {
    const auto r = normalize_target(target);
    REQUIRE(r.error == path_error::none);
    return r.path;
}

}  // namespace

TEST_CASE("root target gives the empty path with a trailing slash") {
    const auto r = normalize_target("/");
    CHECK(r.error == path_error::none);
    CHECK(r.path.empty());
    CHECK(r.segments.empty());
    CHECK(r.trailing_slash);
    CHECK_FALSE(r.has_dot_segment_hidden);
}

TEST_CASE("plain paths become relative segments") {
    const auto r = normalize_target("/docs/guide/index.html");
    REQUIRE(r.error == path_error::none);
    CHECK(r.path == "docs/guide/index.html");
    CHECK(r.segments == std::vector<std::string>{"docs", "guide", "index.html"});
    CHECK_FALSE(r.trailing_slash);
}

TEST_CASE("trailing slash is reported") {
    CHECK(normalize_target("/docs/").trailing_slash);
    CHECK(normalize_target("/docs//").trailing_slash);
    CHECK(normalize_target("/docs/?x=/").trailing_slash);
    CHECK_FALSE(normalize_target("/docs?x=/").trailing_slash);
    CHECK_FALSE(normalize_target("/docs/a.").trailing_slash);
}

TEST_CASE("query and fragment are stripped") {
    CHECK(path_of("/a/b?c=d/../e") == "a/b");
    CHECK(path_of("/a#frag/../x") == "a");
    CHECK(path_of("/a?x#y") == "a");
    CHECK(path_of("/?x") == "");
    CHECK(path_of("/a%3Fb") == "a?b");  // an encoded '?' is part of the name
}

TEST_CASE("empty and dot segments are dropped") {
    CHECK(path_of("//a///b//") == "a/b");
    CHECK(path_of("/./a/./b/.") == "a/b");
    CHECK(path_of("/%2e/a") == "a");
    CHECK(path_of("/.//./") == "");
}

TEST_CASE("percent-encoding is decoded once") {
    CHECK(path_of("/hello%20world") == "hello world");
    CHECK(path_of("/%41%62%63") == "Abc");
    CHECK(path_of("/%c3%A9t%C3%A9") == "\xc3\xa9t\xc3\xa9");
    CHECK(path_of("/100%25") == "100%");
    CHECK(path_of("/%252e%252e/x") == "%2e%2e/x");  // no double decoding
}

TEST_CASE("raw UTF-8 in the target is accepted when valid") {
    CHECK(path_of("/caf\xc3\xa9/\xf0\x9f\x98\x80") == "caf\xc3\xa9/\xf0\x9f\x98\x80");
}

TEST_CASE("non-origin-form targets are rejected") {
    CHECK(error_of("") == path_error::not_origin_form);
    CHECK(error_of("*") == path_error::not_origin_form);
    CHECK(error_of("http://example.com/") == path_error::not_origin_form);
    CHECK(error_of("example.com:443") == path_error::not_origin_form);
    CHECK(error_of("a/b") == path_error::not_origin_form);
    CHECK(error_of("?x") == path_error::not_origin_form);
    CHECK(error_of("%2Fetc") == path_error::not_origin_form);
}

TEST_CASE("dot-dot segments are removed as RFC 3986 section 5.2.4 says") {
    CHECK(path_of("/sub%20dir/../data.json") == "data.json");
    CHECK(path_of("/a/b/../c") == "a/c");
    CHECK(path_of("/a/b/../../c") == "c");
    CHECK(path_of("/a/./b/../../c/./d") == "c/d");
    CHECK(path_of("/a/../") == "");
    CHECK(path_of("/a/b/..?x=/../..") == "a");  // the query is not part of the path
    // The examples of RFC 3986 §5.2.4, as origin-form paths.
    CHECK(path_of("/a/b/c/./../../g") == "a/g");
    CHECK(path_of("/mid/content=5/../6") == "mid/6");
}

TEST_CASE("a final dot or dot-dot segment leaves the path with a trailing slash") {
    for (std::string_view t : {"/a/b/..", "/a/b/.", "/a/b/../", "/a/%2e", "/a/b/c/../.."}) {
        CAPTURE(t);
        const auto r = normalize_target(t);
        REQUIRE(r.error == path_error::none);
        CHECK(r.trailing_slash);
    }
    CHECK(path_of("/a/b/..") == "a");
    CHECK(path_of("/a/b/c/../..") == "a");
    const auto root = normalize_target("/a/..");
    REQUIRE(root.error == path_error::none);
    CHECK(root.segments.empty());
    CHECK(root.trailing_slash);
}

TEST_CASE("empty segments collapse before dot-dot removal, as nginx merges slashes") {
    CHECK(path_of("/a//../b") == "b");
    CHECK(path_of("//a/..//b//") == "b");
}

TEST_CASE("a dot-dot that climbs above the root is refused") {
    CHECK(error_of("/..") == path_error::above_root);
    CHECK(error_of("/../") == path_error::above_root);
    CHECK(error_of("/../etc/passwd") == path_error::above_root);
    CHECK(error_of("/a/../../x") == path_error::above_root);
    CHECK(error_of("/a/b/../../..") == path_error::above_root);
    CHECK(error_of("//../x") == path_error::above_root);
    CHECK(error_of("/./../x") == path_error::above_root);
    CHECK(error_of("/a/../b/../../x") == path_error::above_root);
}

TEST_CASE("every segment is checked, even one that a later dot-dot removes") {
    CHECK(error_of("/%00/../a") == path_error::nul_byte);
    CHECK(error_of("/a%5Cb/../c") == path_error::backslash);
    CHECK(error_of("/%zz/../c") == path_error::bad_encoding);
    CHECK(error_of("/C:/../c") == path_error::traversal);
    CHECK(error_of("/.../../c") == path_error::traversal);
}

TEST_CASE("the hidden flag is decided on the segments that remain") {
    auto r = normalize_target("/.git/../a.txt");
    REQUIRE(r.error == path_error::none);
    CHECK_FALSE(r.has_dot_segment_hidden);
    CHECK(r.path == "a.txt");
    r = normalize_target("/a/../.env");
    REQUIRE(r.error == path_error::none);
    CHECK(r.has_dot_segment_hidden);
}

TEST_CASE("encoded dot-dot segments are rejected, not resolved") {
    CHECK(error_of("/%2e%2e/etc") == path_error::traversal);
    CHECK(error_of("/%2E%2E") == path_error::traversal);
    CHECK(error_of("/.%2e/x") == path_error::traversal);
    CHECK(error_of("/%2e./x") == path_error::traversal);
    CHECK(error_of("/a/b/%2e%2e/c") == path_error::traversal);  // even where it would stay inside
}

TEST_CASE("encoded slash is rejected") {
    CHECK(error_of("/a%2Fb") == path_error::traversal);
    CHECK(error_of("/..%2Fetc") == path_error::traversal);
    CHECK(error_of("/%2f") == path_error::traversal);
}

TEST_CASE("backslash raw or encoded is rejected") {
    CHECK(error_of("/a\\b") == path_error::backslash);
    CHECK(error_of("/..\\..\\windows") == path_error::backslash);
    CHECK(error_of("/a%5Cb") == path_error::backslash);
    CHECK(error_of("/..%5c..%5cwin.ini") == path_error::backslash);
}

TEST_CASE("encoded NUL is rejected") {
    CHECK(error_of("/a%00.txt") == path_error::nul_byte);
    CHECK(error_of("/%00") == path_error::nul_byte);
}

TEST_CASE("raw NUL and control characters are rejected") {
    CHECK(error_of(std::string_view("/a\0b", 4)) == path_error::bad_encoding);
    CHECK(error_of("/a%0Ab") == path_error::bad_encoding);
    CHECK(error_of("/a%0d%0aSet-Cookie:x") == path_error::bad_encoding);
    CHECK(error_of("/a%7F") == path_error::bad_encoding);
    CHECK(error_of("/a%1b[31m") == path_error::bad_encoding);
}

TEST_CASE("malformed percent escapes are rejected") {
    for (std::string_view t : {"/%", "/a%", "/a%2", "/%zz", "/%2g", "/%g2", "/%%41", "/% 41", "/%+1"}) {
        CAPTURE(t);
        CHECK(error_of(t) == path_error::bad_encoding);
    }
}

TEST_CASE("invalid UTF-8 after decoding is rejected") {
    for (std::string_view t : {"/%ff", "/%c3", "/%c3%28", "/%80", "/%c0%ae%c0%ae", "/%c0%af",
                          "/%e0%80%ae", "/%ed%a0%80", "/%f4%90%80%80", "/%f8%88%80%80%80",
                          "/\xc3", "/\xe2\x82",}) {
        CAPTURE(t);
        CHECK(error_of(t) == path_error::bad_encoding);
    }
}

TEST_CASE("boundary UTF-8 code points are accepted") {
    CHECK(path_of("/%c2%80") == "\xc2\x80");
    CHECK(path_of("/%ef%bf%bf") == "\xef\xbf\xbf");
    CHECK(path_of("/%ed%9f%bf") == "\xed\x9f\xbf");
    CHECK(path_of("/%f4%8f%bf%bf") == "\xf4\x8f\xbf\xbf");
    CHECK(path_of("/%f0%90%80%80") == "\xf0\x90\x80\x80");
}

TEST_CASE("colon is rejected because Windows reads drives and streams from it") {
    CHECK(error_of("/C:/windows/win.ini") == path_error::traversal);
    CHECK(error_of("/C%3A") == path_error::traversal);
    CHECK(error_of("/file.txt::$DATA") == path_error::traversal);
}

TEST_CASE("segments of only dots and spaces are rejected") {
    CHECK(error_of("/...") == path_error::traversal);
    CHECK(error_of("/.. ") == path_error::traversal);
    CHECK(error_of("/..%20/x") == path_error::traversal);
    CHECK(error_of("/. .") == path_error::traversal);
    CHECK(error_of("/ ..") == path_error::traversal);
    CHECK(path_of("/. ") == ". ");
    CHECK(path_of("/%20") == " ");
    CHECK(path_of("/..a") == "..a");
    CHECK(path_of("/a..") == "a..");
}

TEST_CASE("dotfiles are flagged as hidden but allowed") {
    auto r = normalize_target("/.git/config");
    REQUIRE(r.error == path_error::none);
    CHECK(r.has_dot_segment_hidden);
    CHECK(r.path == ".git/config");
    r = normalize_target("/a/%2Eenv");
    REQUIRE(r.error == path_error::none);
    CHECK(r.has_dot_segment_hidden);
    r = normalize_target("/a/b.c/d.");
    REQUIRE(r.error == path_error::none);
    CHECK_FALSE(r.has_dot_segment_hidden);
}

TEST_CASE("errors leave no partial path behind") {
    const auto r = normalize_target("/ok/then/../../../bad");
    CHECK(r.error == path_error::above_root);
    CHECK(r.path.empty());
    CHECK(r.segments.empty());
}

TEST_CASE("percent_encode_path_segment keeps only unreserved characters") {
    CHECK(percent_encode_path_segment("AZaz09-._~") == "AZaz09-._~");
    CHECK(percent_encode_path_segment("a b") == "a%20b");
    CHECK(percent_encode_path_segment("a/b?c#d%e") == "a%2Fb%3Fc%23d%25e");
    CHECK(percent_encode_path_segment("x:y") == "x%3Ay");
    CHECK(percent_encode_path_segment("\xc3\xa9") == "%C3%A9");
    CHECK(percent_encode_path_segment(std::string_view("\0\xff", 2)) == "%00%FF");
    CHECK(percent_encode_path_segment("") == "");
}

TEST_CASE("percent-encoded names decode back to the same segment") {
    for (std::string_view name : {"hello world", "caf\xc3\xa9.txt", "50%.txt", "a+b&c=d", "#hash", "x:y"}) {
        CAPTURE(name);
        const auto enc = percent_encode_path_segment(name);
        const auto r = normalize_target("/" + enc);
        if (name.find(':') != std::string_view::npos) {
            CHECK(r.error == path_error::traversal);
        } else {
            REQUIRE(r.error == path_error::none);
            CHECK(r.path == name);
        }
    }
}

TEST_CASE("html_escape escapes the five special characters") {
    CHECK(html_escape("<a href=\"x\">Tom & Jerry's</a>") ==
          "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
    CHECK(html_escape("plain") == "plain");
    CHECK(html_escape("") == "");
    CHECK(html_escape("&amp;") == "&amp;amp;");
}

TEST_CASE("a file name is servable when a URL can name it as it is") {
    for (const char* name : {"a.txt", "caf\xC3\xA9.txt", "\xED\x95\x9C.txt", "with space", "100%", "a?b#c", ".hidden", "x..y"})
        CHECK_MESSAGE(is_servable_name(name), name);
    for (const char* name : {"a:b", "back\\slash", "tab\there", "bell\x07", "bad\xff", "...", ". .", "", "a/b"})
        CHECK_MESSAGE(!is_servable_name(name), name);
}
