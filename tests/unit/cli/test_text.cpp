#include <doctest/doctest.h>

#include <string>

#include "cli/text.hpp"

using namespace netlab::cli;

namespace {

std::span<const std::byte> b(const std::string& s) { return std::as_bytes(std::span(s.data(), s.size())); }

}  // namespace

TEST_CASE("escaped text keeps printable ASCII and UTF-8 and escapes every control byte") {
    CHECK(escaped_text(b("hello, world")) == "hello, world");
    CHECK(escaped_text(b("a\nb\r\tc\\d")) == "a\\nb\\r\\tc\\\\d");
    CHECK(escaped_text(b(std::string("\0\x1b[31m\x7f", 7))) == "\\0\\x1b[31m\\x7f");
    CHECK(escaped_text(b("gr\xc3\xbc\xc3\x9f \xe2\x82\xac")) == "gr\xc3\xbc\xc3\x9f \xe2\x82\xac");  // grüß €
}

TEST_CASE("escaped text shows invalid UTF-8, C1 controls and bidi overrides as bytes") {
    CHECK(escaped_text(b("\xff\xfe")) == "\\xff\\xfe");
    CHECK(escaped_text(b("\xc2\x9b" "2J")) == "\\xc2\\x9b2J");          // CSI as a C1 control
    CHECK(escaped_text(b("x\xe2\x80\xaey")) == "x\\xe2\\x80\\xaey");     // U+202E right-to-left override
    CHECK(escaped_text(b("\xe2\x82")) == "\\xe2\\x82");                  // cut off
}

TEST_CASE("escaped text shows every bidi control and the line and paragraph separators as bytes") {
    // Unicode's Bidi_Control set, each as its UTF-8 bytes, then U+2028 and U+2029.
    const char* const unsafe[] = {
        "\xd8\x9c",                                                  // U+061C arabic letter mark
        "\xe2\x80\x8e", "\xe2\x80\x8f",                             // U+200E, U+200F marks
        "\xe2\x80\xaa", "\xe2\x80\xab", "\xe2\x80\xac", "\xe2\x80\xad", "\xe2\x80\xae",  // U+202A..E
        "\xe2\x81\xa6", "\xe2\x81\xa7", "\xe2\x81\xa8", "\xe2\x81\xa9",  // U+2066..9 isolates
        "\xe2\x80\xa8", "\xe2\x80\xa9",                             // U+2028, U+2029 separators
    };
    for (const std::string seq : unsafe) {
        CAPTURE(hex_string(b(seq)));
        std::string expected;
        for (const char c : seq) expected += "\\x" + hex_string(b(std::string(1, c)));
        CHECK(escaped_text(b("a" + seq + "b")) == "a" + expected + "b");
    }
    // Their neighbours are ordinary text and stay as they are.
    for (const std::string ok : {"\xd8\x9b", "\xe2\x80\x8d", "\xe2\x80\xa7", "\xe2\x80\xaf", "\xe2\x81\xa5", "\xe2\x81\xaa"})
        CHECK(escaped_text(b(ok)) == ok);
}

TEST_CASE("hex dumps look like hexdump -C") {
    CHECK(hex_dump(b("Hello, world! 0123456789abcdef\n")) ==
          "00000000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 20 30 31  |Hello, world! 01|\n"
          "00000010  32 33 34 35 36 37 38 39  61 62 63 64 65 66 0a     |23456789abcdef.|");
    CHECK(hex_dump(b("")).empty());
    CHECK(hex_string(b("\x01\xab")) == "01ab");
}

TEST_CASE("wrap breaks prose between words within the width, indenting every line") {
    CHECK(netlab::cli::wrap("one two three four", 9) == "one two\nthree\nfour");
    CHECK(netlab::cli::wrap("one two three", 11, "  ") == "  one two\n  three");
    CHECK(netlab::cli::wrap("a verylongword b", 5) == "a\nverylongword\nb");
    CHECK(netlab::cli::wrap("  spaced   out  ", 80) == "spaced out");
    CHECK(netlab::cli::wrap("", 80).empty());
    CHECK(netlab::cli::wrap("first line\nsecond one here", 10) == "first line\nsecond one\nhere");
}

TEST_CASE("grouped puts a comma between each three digits from the right") {
    CHECK(grouped(0) == "0");
    CHECK(grouped(999) == "999");
    CHECK(grouped(1000) == "1,000");
    CHECK(grouped(30000) == "30,000");
    CHECK(grouped(1234567) == "1,234,567");
}

TEST_CASE("count_of uses the singular for one and the plural otherwise") {
    CHECK(count_of(1, "request") == "1 request");
    CHECK(count_of(2, "request") == "2 requests");
    CHECK(count_of(0, "request") == "0 requests");
    CHECK(count_of(1, "connection") == "1 connection");
    CHECK(count_of(11, "connection") == "11 connections");
    CHECK(count_of(1, "client answer") == "1 client answer");
    CHECK(count_of(3, "client answer") == "3 client answers");
    CHECK(count_of(1024, "request") == "1,024 requests");
    CHECK(count_of(1, "was", "were") == "1 was");
    CHECK(count_of(2, "was", "were") == "2 were");
    CHECK(count_of(18446744073709551615ull, "byte") == "18,446,744,073,709,551,615 bytes");
}
