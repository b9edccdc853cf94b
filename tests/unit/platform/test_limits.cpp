#include <doctest/doctest.h>

#include "netlab/platform/limits.hpp"

namespace pf = netlab::platform;

TEST_CASE("the open-file limit is consistent") {
    const auto lim = pf::open_file_limit();
    if (!lim.applicable) return;  // no such limit on this OS
    CHECK(lim.soft > 0);
    CHECK(lim.soft <= lim.hard);
}

TEST_CASE("raising the open-file limit never lowers it and stays within the hard limit") {
    const auto before = pf::open_file_limit();
    CHECK(pf::raise_open_file_limit(1).soft == before.soft);
    const auto after = pf::raise_open_file_limit(before.soft + 64);
    CHECK(after.soft >= before.soft);
    CHECK(after.soft <= after.hard);
    if (before.applicable && before.hard >= before.soft + 64) CHECK(after.soft >= before.soft + 64);
}

TEST_CASE("the address-space limit is consistent: unlimited unless ulimit -v set one") {
    const auto lim = pf::address_space_limit();
    if (!lim.applicable) return;  // no such limit on this OS
    CHECK(lim.soft > 0);
    CHECK(lim.soft <= lim.hard);
}
