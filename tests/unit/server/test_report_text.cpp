#include <doctest/doctest.h>

#include "server/report_text.hpp"

using namespace netlab::server;

TEST_CASE("count_of uses the singular for one and the plural otherwise") {
    CHECK(count_of(1, "request") == "1 request");
    CHECK(count_of(2, "request") == "2 requests");
    CHECK(count_of(0, "request") == "0 requests");
    CHECK(count_of(1, "connection") == "1 connection");
    CHECK(count_of(11, "connection") == "11 connections");
    CHECK(count_of(1, "client answer") == "1 client answer");
    CHECK(count_of(3, "client answer") == "3 client answers");
    CHECK(count_of(1, "was", "were") == "1 was");
    CHECK(count_of(2, "was", "were") == "2 were");
    CHECK(count_of(18446744073709551615ull, "byte") == "18446744073709551615 bytes");
}

TEST_CASE("printable keeps text and UTF-8 as they are") {
    CHECK(printable("GET /a?b=c HTTP/1.1") == "GET /a?b=c HTTP/1.1");
    CHECK(printable("caf\xc3\xa9 \xf0\x9f\x98\x80") == "caf\xc3\xa9 \xf0\x9f\x98\x80");
    CHECK(printable("") == "");
    CHECK(printable("{\"a\":\"x\\\"y\"}") == "{\"a\":\"x\\\"y\"}");  // backslashes are not doubled
}

TEST_CASE("printable escapes control bytes so the terminal never receives them") {
    CHECK(printable("a\x1b[31mred") == "a\\x1b[31mred");
    CHECK(printable(std::string_view("\0\x07\x7f", 3)) == "\\x00\\x07\\x7f");
    CHECK(printable("a\r\nb\tc\n") == "a\\r\\nb\\tc\\n");
    CHECK(printable("\x1b]0;pwned\x07") == "\\x1b]0;pwned\\x07");  // a window title change
}

TEST_CASE("printable escapes C1 controls and bytes that are not UTF-8") {
    CHECK(printable("\xc2\x9b" "31m") == "\\xc2\\x9b31m");  // U+009B, CSI in 8-bit terminals
    CHECK(printable("\xc2\xa0") == "\xc2\xa0");             // U+00A0 is text
    CHECK(printable("\x9b" "31m") == "\\x9b31m");
    CHECK(printable("\xff\xfe") == "\\xff\\xfe");
    CHECK(printable("caf\xc3") == "caf\\xc3");
    CHECK(printable("\xc0\xae") == "\\xc0\\xae");  // overlong '.'
}

TEST_CASE("printable with multiline keeps line ends and tabs, shows CRLF as a line end") {
    CHECK(printable("POST / HTTP/1.1\r\nHost: x\r\n\r\n", true) == "POST / HTTP/1.1\nHost: x\n\n");
    CHECK(printable("a\tb\nc", true) == "a\tb\nc");
    CHECK(printable("over\rwrite", true) == "over\\rwrite");  // a lone CR would overwrite the line
    CHECK(printable("end\r", true) == "end\\r");
    CHECK(printable("\x1b[2J\r\n", true) == "\\x1b[2J\n");
}
