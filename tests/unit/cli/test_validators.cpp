#include <doctest/doctest.h>

#include <CLI/CLI.hpp>

#include "cli/validators.hpp"

using namespace netlab::cli;

namespace {
std::string check(const CLI::Validator& v, std::string value) { return v(value); }
}  // namespace

TEST_CASE("numbers are printed as people write them, with the unit") {
    CHECK(range_phrase(0.05, 86400, "seconds") == "from 0.05 to 86400 seconds");
    CHECK(range_phrase(0, 65535, "") == "from 0 to 65535");
    CHECK(range_phrase(1, 1e6, "") == "from 1 to 1000000");
    CHECK(range_phrase(0.001, 4e9, "seconds") == "from 0.001 to 4000000000 seconds");
}

TEST_CASE("a whole number out of range, or a word, gets the same sentence") {
    const auto v = whole_number(0, 65535);
    CHECK(check(v, "8080").empty());
    CHECK(check(v, "0").empty());
    CHECK(check(v, "65536") == "must be a whole number from 0 to 65535, not '65536'");
    CHECK(check(v, "abc") == "must be a whole number from 0 to 65535, not 'abc'");
    CHECK(check(v, "80x") == "must be a whole number from 0 to 65535, not '80x'");
    CHECK(check(v, "1.5") == "must be a whole number from 0 to 65535, not '1.5'");
    CHECK(check(v, "") == "must be a whole number from 0 to 65535, not an empty value");
    CHECK(check(whole_number(-1, 10), "-1").empty());
}

TEST_CASE("a decimal number accepts fractions and refuses infinity and junk") {
    const auto v = decimal_number(0.05, 86400, "seconds");
    CHECK(check(v, "0.05").empty());
    CHECK(check(v, "60").empty());
    CHECK(check(v, "0") == "must be a number from 0.05 to 86400 seconds, not '0'");
    CHECK_FALSE(check(v, "inf").empty());
    CHECK_FALSE(check(v, "nan").empty());
    CHECK_FALSE(check(v, " 5").empty());
}

TEST_CASE("a folder that is missing or a file is named") {
    const auto v = existing_folder();
    CHECK(check(v, ".").empty());
    CHECK(check(v, "/no/such/folder/anywhere") == "must be a folder that exists, and '/no/such/folder/anywhere' does not");
}

TEST_CASE("one of a list of words") {
    const auto v = one_of("one of", {"auto", "always", "never"});
    CHECK(check(v, "never").empty());
    CHECK(check(v, "purple") == "must be one of: auto, always, never, not 'purple'");
}
