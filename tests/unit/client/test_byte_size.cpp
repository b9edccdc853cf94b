#include <doctest/doctest.h>

#include "client/byte_size.hpp"

using netlab::client::parse_byte_size;

TEST_CASE("a byte size is a whole number with curl's binary units K, M, G (or B), either case") {
    CHECK(parse_byte_size("0") == 0u);
    CHECK(parse_byte_size("1000") == 1000u);
    CHECK(parse_byte_size("512B") == 512u);
    CHECK(parse_byte_size("200K") == 200u * 1024);
    CHECK(parse_byte_size("200k") == 200u * 1024);
    CHECK(parse_byte_size("3M") == 3u * 1024 * 1024);
    CHECK(parse_byte_size("1g") == 1024u * 1024 * 1024);
    CHECK(parse_byte_size("18446744073709551615") == UINT64_MAX);
}

TEST_CASE("a byte size refuses signs, spaces, fractions, other units and overflow") {
    for (const char* text : {"", "K", "-1", "+1", " 1", "1 ", "1.5M", "10X", "10KB", "1T", "0x10",
                             "18446744073709551616", "17179869184G"})
        CHECK_MESSAGE(!parse_byte_size(text), text);
}
