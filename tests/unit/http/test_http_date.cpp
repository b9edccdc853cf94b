#include <doctest/doctest.h>

#include <cstdint>

#include "http/http_date.hpp"

using namespace netlab::http;

namespace {
constexpr std::int64_t rfc_example = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT
}

TEST_CASE("format_http_date produces the RFC 9110 example") {
    CHECK(format_http_date(rfc_example) == "Sun, 06 Nov 1994 08:49:37 GMT");
}

TEST_CASE("format_http_date handles the epoch and known dates") {
    CHECK(format_http_date(0) == "Thu, 01 Jan 1970 00:00:00 GMT");
    CHECK(format_http_date(951782400) == "Tue, 29 Feb 2000 00:00:00 GMT");
    CHECK(format_http_date(1709164800) == "Thu, 29 Feb 2024 00:00:00 GMT");
    CHECK(format_http_date(2147483647) == "Tue, 19 Jan 2038 03:14:07 GMT");
    CHECK(format_http_date(4102444800) == "Fri, 01 Jan 2100 00:00:00 GMT");
    CHECK(format_http_date(-1) == "Wed, 31 Dec 1969 23:59:59 GMT");
    CHECK(format_http_date(-86400) == "Wed, 31 Dec 1969 00:00:00 GMT");
    CHECK(format_http_date(-2208988800) == "Mon, 01 Jan 1900 00:00:00 GMT");
    // Past 2262, where nanoseconds since 1970 overflow 64 bits, and before 1970.
    CHECK(format_http_date(10000000000) == "Sat, 20 Nov 2286 17:46:40 GMT");
    CHECK(format_http_date(-100000000) == "Mon, 31 Oct 1966 14:13:20 GMT");
    CHECK(format_iso8601_utc(10000000000) == "2286-11-20T17:46:40Z");
    CHECK(format_iso8601_utc(-100000000) == "1966-10-31T14:13:20Z");
}

TEST_CASE("format_http_date clamps to four-digit years") {
    CHECK(format_http_date(INT64_MAX) == "Fri, 31 Dec 9999 23:59:59 GMT");
    CHECK(format_http_date(INT64_MIN) == "Sat, 01 Jan 0000 00:00:00 GMT");
}

TEST_CASE("format_iso8601_utc gives an RFC 3339 timestamp") {
    CHECK(format_iso8601_utc(rfc_example) == "1994-11-06T08:49:37Z");
    CHECK(format_iso8601_utc(0) == "1970-01-01T00:00:00Z");
    CHECK(format_iso8601_utc(-1) == "1969-12-31T23:59:59Z");
}

TEST_CASE("parse_http_date reads all three forms of the RFC example") {
    CHECK(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT") == rfc_example);
    CHECK(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT") == rfc_example);
    CHECK(parse_http_date("Sun Nov  6 08:49:37 1994") == rfc_example);
    CHECK(parse_http_date("Sun Nov 06 08:49:37 1994") == rfc_example);
}

TEST_CASE("format then parse round-trips across centuries") {
    for (std::int64_t t = -62167219200; t < 253402300799; t += 7777777 * 13 + 12345) {
        CAPTURE(t);
        const auto s = format_http_date(t);
        REQUIRE(parse_http_date(s).has_value());
        CHECK(*parse_http_date(s) == t);
    }
}

TEST_CASE("rfc850 two-digit years pivot at 70") {
    CHECK(parse_http_date("Thursday, 01-Jan-70 00:00:00 GMT") == 0);
    CHECK(parse_http_date("Friday, 31-Dec-99 23:59:59 GMT") == 946684799);
    CHECK(parse_http_date("Saturday, 01-Jan-00 00:00:00 GMT") == 946684800);
    CHECK(parse_http_date("Tuesday, 31-Dec-69 00:00:00 GMT") == 3155673600);
}

TEST_CASE("leap day is valid only in leap years") {
    CHECK(parse_http_date("Tue, 29 Feb 2000 00:00:00 GMT") == 951782400);
    CHECK_FALSE(parse_http_date("Thu, 29 Feb 1900 00:00:00 GMT"));
    CHECK_FALSE(parse_http_date("Sun, 29 Feb 2023 00:00:00 GMT"));
    CHECK_FALSE(parse_http_date("Mon, 30 Feb 2024 00:00:00 GMT"));
}

TEST_CASE("leap second is accepted as the next second") {
    CHECK(parse_http_date("Sat, 31 Dec 2016 23:59:60 GMT") == 1483228800);
}

TEST_CASE("out-of-range fields are rejected") {
    for (const char* s : {"Sun, 00 Nov 1994 08:49:37 GMT", "Sun, 31 Nov 1994 08:49:37 GMT",
                          "Sun, 32 Jan 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT",
                          "Sun, 06 Nov 1994 08:60:00 GMT", "Sun, 06 Nov 1994 08:49:61 GMT",
                          "Sun Nov  0 08:49:37 1994"}) {
        CAPTURE(s);
        CHECK_FALSE(parse_http_date(s));
    }
}

TEST_CASE("malformed dates are rejected") {
    for (const char* s : {"", "Sun", "Sun,", "garbage", "Sun, 6 Nov 1994 08:49:37 GMT",
                          "Sun, 06 Nov 94 08:49:37 GMT", "Sun, 06 nov 1994 08:49:37 GMT",
                          "sun, 06 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 gmt",
                          "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 06 Nov 1994 08:49:37 +0000",
                          "Sun, 06 Nov 1994 08:49:37 GMT ", " Sun, 06 Nov 1994 08:49:37 GMT",
                          "Sun, 06 Nov 1994 08:49:37", "Sun, 06 Nov 1994 8:49:37 GMT",
                          "Sun,  06 Nov 1994 08:49:37 GMT", "Sun, 06-Nov-1994 08:49:37 GMT",
                          "Xyz, 06 Nov 1994 08:49:37 GMT", "Sun, 06 Xyz 1994 08:49:37 GMT",
                          "Sun, 06 Nov 1994 08-49-37 GMT", "Sun, 06 Nov 199a 08:49:37 GMT",
                          "Sun, +6 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 GMTX",
                          "Sund, 06-Nov-94 08:49:37 GMT", "Sunday, 06-Nov-1994 08:49:37 GMT",
                          "Sunday, 06 Nov 94 08:49:37 GMT", "Sun Nov 6 08:49:37 1994",
                          "Sun Nov   6 08:49:37 1994", "Sun Nov  6 08:49:37 94",
                          "Sun Nov  6 08:49:37 1994 GMT", "Sun  Nov  6 08:49:37 1994"}) {
        CAPTURE(s);
        CHECK_FALSE(parse_http_date(s));
    }
}

TEST_CASE("the day name is checked for spelling, not against the date") {
    CHECK(parse_http_date("Mon, 06 Nov 1994 08:49:37 GMT") == rfc_example);
}

TEST_CASE("dates before the epoch parse to negative seconds") {
    CHECK(parse_http_date("Wed, 31 Dec 1969 23:59:59 GMT") == -1);
    CHECK(parse_http_date("Sat, 01 Jan 0000 00:00:00 GMT") == -62167219200);
    CHECK(parse_http_date("Fri, 31 Dec 9999 23:59:59 GMT") == 253402300799);
}
