#include <doctest/doctest.h>

#include "http/range.hpp"

using namespace netlab::http;

namespace {

constexpr std::uint64_t max64 = 18446744073709551615ull;

bool is_range(const range_result& r, std::uint64_t first, std::uint64_t last) {
    return r.kind == range_kind::satisfiable && r.range.first == first && r.range.last == last;
}

range_kind kind(std::string_view v, std::uint64_t size = 1000) { return parse_range(v, size).kind; }

}  // namespace

TEST_CASE("closed range a-b selects bytes a through b") {
    CHECK(is_range(parse_range("bytes=0-99", 1000), 0, 99));
    CHECK(is_range(parse_range("bytes=5-5", 1000), 5, 5));
    CHECK(is_range(parse_range("bytes=999-999", 1000), 999, 999));
}

TEST_CASE("open range a- runs to the end") {
    CHECK(is_range(parse_range("bytes=100-", 1000), 100, 999));
    CHECK(is_range(parse_range("bytes=0-", 1000), 0, 999));
    CHECK(is_range(parse_range("bytes=999-", 1000), 999, 999));
}

TEST_CASE("suffix range -n selects the last n bytes") {
    CHECK(is_range(parse_range("bytes=-1", 1000), 999, 999));
    CHECK(is_range(parse_range("bytes=-100", 1000), 900, 999));
}

TEST_CASE("suffix longer than the file selects the whole file") {
    CHECK(is_range(parse_range("bytes=-1000", 1000), 0, 999));
    CHECK(is_range(parse_range("bytes=-5000", 1000), 0, 999));
}

TEST_CASE("last past end is clamped to size minus one") {
    CHECK(is_range(parse_range("bytes=0-5000", 1000), 0, 999));
    CHECK(is_range(parse_range("bytes=500-1000", 1000), 500, 999));
}

TEST_CASE("range past end gives 416") {
    CHECK(kind("bytes=1000-") == range_kind::unsatisfiable);
    CHECK(kind("bytes=1000-2000") == range_kind::unsatisfiable);
    CHECK(kind("bytes=5000-5001") == range_kind::unsatisfiable);
}

TEST_CASE("suffix of zero bytes gives 416") {
    CHECK(kind("bytes=-0") == range_kind::unsatisfiable);
    CHECK(kind("bytes=-000") == range_kind::unsatisfiable);
}

TEST_CASE("any range of an empty file gives 416") {
    CHECK(kind("bytes=0-", 0) == range_kind::unsatisfiable);
    CHECK(kind("bytes=0-0", 0) == range_kind::unsatisfiable);
    CHECK(kind("bytes=-1", 0) == range_kind::unsatisfiable);
    CHECK(kind("bytes=-0", 0) == range_kind::unsatisfiable);
    CHECK(kind("bytes=oops", 0) == range_kind::none);
}

TEST_CASE("unit is case-insensitive and whitespace around parts is tolerated") {
    CHECK(is_range(parse_range("BYTES=1-2", 1000), 1, 2));
    CHECK(is_range(parse_range("Bytes=1-2", 1000), 1, 2));
    CHECK(is_range(parse_range("  bytes = 1-2  ", 1000), 1, 2));
    CHECK(is_range(parse_range("bytes=\t1 - 2\t", 1000), 1, 2));
    CHECK(is_range(parse_range("bytes= -10", 1000), 990, 999));
}

TEST_CASE("multiple ranges are ignored and the whole file is served") {
    CHECK(kind("bytes=0-1,5-6") == range_kind::none);
    CHECK(kind("bytes=0-1, 5-6") == range_kind::none);
    CHECK(kind("bytes=0-1,0-1") == range_kind::none);
    CHECK(kind("bytes=-1,-2") == range_kind::none);
    CHECK(kind("bytes=2000-,3000-") == range_kind::none);
}

TEST_CASE("empty list elements around a single range are tolerated") {
    CHECK(is_range(parse_range("bytes=0-1,", 1000), 0, 1));
    CHECK(is_range(parse_range("bytes=, 0-1 ,,", 1000), 0, 1));
}

TEST_CASE("syntactically invalid ranges are ignored") {
    for (const char* v : {"", "bytes", "bytes=", "bytes=-", "bytes=a-b", "bytes=1", "bytes=1-2-3",
                          "bytes=5-1", "bytes=+1-2", "bytes=1-+2", "bytes=0x10-", "bytes=1 2-3",
                          "bytes=-1-", "bytes=--1", "bytes=1.5-2", "bytes=,", "bytes=\xd9\xa1-2",
                          "=0-1", "bytes 0-1", "bytes:0-1", "bytes=0-1;x"}) {
        CAPTURE(v);
        CHECK(kind(v) == range_kind::none);
    }
}

TEST_CASE("non-bytes units are ignored") {
    CHECK(kind("items=0-1") == range_kind::none);
    CHECK(kind("bytesx=0-1") == range_kind::none);
    CHECK(kind("xbytes=0-1") == range_kind::none);
}

TEST_CASE("huge numbers saturate instead of overflowing") {
    CHECK(kind("bytes=99999999999999999999999-") == range_kind::unsatisfiable);
    CHECK(is_range(parse_range("bytes=0-99999999999999999999999", 1000), 0, 999));
    CHECK(is_range(parse_range("bytes=-99999999999999999999999", 1000), 0, 999));
    CHECK(kind("bytes=99999999999999999999999-5") == range_kind::none);
    CHECK(kind("bytes=18446744073709551615-18446744073709551615") == range_kind::unsatisfiable);
}

TEST_CASE("ranges work at the 64-bit size limit") {
    CHECK(is_range(parse_range("bytes=0-", max64), 0, max64 - 1));
    CHECK(is_range(parse_range("bytes=-1", max64), max64 - 1, max64 - 1));
    CHECK(is_range(parse_range("bytes=18446744073709551614-", max64), max64 - 1, max64 - 1));
    CHECK(kind("bytes=18446744073709551615-", max64) == range_kind::unsatisfiable);
}

TEST_CASE("leading zeros are plain decimal") {
    CHECK(is_range(parse_range("bytes=007-010", 1000), 7, 10));
}

TEST_CASE("content_range formats satisfied and unsatisfied ranges") {
    CHECK(content_range({0, 99}, 1000) == "bytes 0-99/1000");
    CHECK(content_range({max64 - 1, max64 - 1}, max64) ==
          "bytes 18446744073709551614-18446744073709551614/18446744073709551615");
    CHECK(content_range_unsatisfied(1000) == "bytes */1000");
    CHECK(content_range_unsatisfied(0) == "bytes */0");
}
