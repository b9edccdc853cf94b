#include <doctest/doctest.h>

#include "http/utf8.hpp"

using namespace netlab::http;

TEST_CASE("utf8_sequence_length gives the length of each valid sequence") {
    CHECK(utf8_sequence_length("a", 0) == 1);
    CHECK(utf8_sequence_length("\xc3\xa9", 0) == 2);
    CHECK(utf8_sequence_length("\xe2\x82\xac", 0) == 3);
    CHECK(utf8_sequence_length("\xf0\x9f\x98\x80", 0) == 4);
    CHECK(utf8_sequence_length("x\xc3\xa9", 1) == 2);
}

TEST_CASE("utf8_sequence_length is 0 for overlongs, surrogates, truncation and stray bytes") {
    for (std::string_view s : {"\xc0\xae", "\xc1\xbf", "\xe0\x80\xae", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                               "\xf8\x88\x80\x80\x80", "\x80", "\xbf", "\xc3", "\xe2\x82", "\xc3\x28", "\xff"}) {
        CAPTURE(s);
        CHECK(utf8_sequence_length(s, 0) == 0);
    }
}

TEST_CASE("valid_utf8 accepts whole strings of valid sequences only") {
    CHECK(valid_utf8(""));
    CHECK(valid_utf8("caf\xc3\xa9 \xf0\x9f\x98\x80"));
    CHECK(valid_utf8("\xf4\x8f\xbf\xbf"));
    CHECK_FALSE(valid_utf8("caf\xc3"));
    CHECK_FALSE(valid_utf8("a\xffz"));
}
