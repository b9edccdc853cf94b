#include <doctest/doctest.h>

#include "server/report_text.hpp"

using namespace netlab::server;

TEST_CASE("printable keeps text and UTF-8 as they are") {
    CHECK(printable("GET /a?b=c HTTP/1.1") == "GET /a?b=c HTTP/1.1");
    CHECK(printable("caf\xc3\xa9 \xf0\x9f\x98\x80") == "caf\xc3\xa9 \xf0\x9f\x98\x80");
    CHECK(printable("") == "");
    CHECK(printable("\xed\x95\x9c\xea\xb5\xad\xec\x96\xb4.txt") == "\xed\x95\x9c\xea\xb5\xad\xec\x96\xb4.txt");  // Korean stays readable
}

TEST_CASE("printable escapes the quote and the backslash as \\xHH, so a log field stays one field") {
    CHECK(printable("/a\" 200 9 \"x") == "/a\\x22 200 9 \\x22x");
    CHECK(printable("/a\\x1b") == "/a\\x5cx1b");  // typed by the client: never looks like an escape
}

TEST_CASE("printable escapes control bytes so the terminal never receives them") {
    CHECK(printable("a\x1b[31mred") == "a\\x1b[31mred");
    CHECK(printable(std::string_view("\0\x07\x7f", 3)) == "\\x00\\x07\\x7f");
    CHECK(printable("a\r\nb\tc\n") == "a\\x0d\\x0ab\\x09c\\x0a");
    CHECK(printable("\x1b]0;pwned\x07") == "\\x1b]0;pwned\\x07");  // a window title change
}

TEST_CASE("printable escapes C1 controls and bytes that are not UTF-8") {
    CHECK(printable("\xc2\x9b" "31m") == "\\xc2\\x9b31m");  // U+009B, CSI in 8-bit terminals
    CHECK(printable("a\xc2\x85" "b") == "a\\xc2\\x85b");     // U+0085, NEL: a line end to some terminals
    CHECK(printable("\xc2\x80\xc2\x9f") == "\\xc2\\x80\\xc2\\x9f");  // the first and last C1
    CHECK(printable("\xc2\xa0") == "\xc2\xa0");             // U+00A0 is text
    CHECK(printable("\x9b" "31m") == "\\x9b31m");
    CHECK(printable("\xff\xfe") == "\\xff\\xfe");
    CHECK(printable("caf\xc3") == "caf\\xc3");
    CHECK(printable("\xc0\xae") == "\\xc0\\xae");  // overlong '.'
}

TEST_CASE("dumped_lines prefixes every line, keeps tabs, shows CRLF as a line end and escapes the rest") {
    CHECK(dumped_lines("POST / HTTP/1.1\r\nHost: x\r\n\r\n") == "> POST / HTTP/1.1\n> Host: x\n>\n");
    CHECK(dumped_lines("a\tb\nc") == "> a\tb\n> c\n");
    CHECK(dumped_lines("over\rwrite") == "> over\\x0dwrite\n");  // a lone CR would overwrite the line
    CHECK(dumped_lines("end\r") == "> end\\x0d\n");
    CHECK(dumped_lines("\x1b[2J\r\n") == "> \\x1b[2J\n");
    CHECK(dumped_lines("{\"a\":\"x\\\"y\"}") == "> {\"a\":\"x\\\"y\"}\n");  // a JSON body stays readable
    CHECK(dumped_lines("") == "");
}

TEST_CASE("dumped_lines cannot be taken for an access log line, whatever a header is called") {
    const auto shown = dumped_lines("GET / HTTP/1.1\r\n2026-01-01T00:00:00.000Z 10.0.0.1:1 \"GET /admin HTTP/1.1\" 200 0\r\n\r\n");
    for (std::size_t at = 0; at < shown.size(); at = shown.find('\n', at) + 1) {
        CHECK(shown[at] == '>');
        if (shown.find('\n', at) == std::string::npos) break;
    }
}
