#include <doctest/doctest.h>

#include "udp/histogram.hpp"

using netlab::udp::histogram;

TEST_CASE("small values are exact and percentiles take the nearest rank") {
    histogram h;
    CHECK(h.percentile(50) == 0);
    for (std::uint64_t v = 1; v <= 10; ++v) h.add(v);
    CHECK(h.count() == 10);
    CHECK(h.percentile(50) == 5);
    CHECK(h.percentile(90) == 9);
    CHECK(h.percentile(99) == 10);
    CHECK(h.percentile(100) == 10);
}

TEST_CASE("large values come back within about 3 %") {
    for (const std::uint64_t v : {100ull, 1'000ull, 123'456ull, 1'000'000'007ull, 1ull << 62, ~0ull}) {
        histogram h;
        h.add(v);
        const double got = static_cast<double>(h.percentile(50));
        CHECK(got >= static_cast<double>(v) * 0.97);
        CHECK(got <= static_cast<double>(v) * 1.03);
    }
}
