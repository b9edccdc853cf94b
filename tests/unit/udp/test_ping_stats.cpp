#include <doctest/doctest.h>

#include "udp/ping_stats.hpp"

using namespace netlab::udp;

namespace {
constexpr std::int64_t ms = 1'000'000;
}

TEST_CASE("replies are fresh within the timeout, late after it, duplicates when repeated") {
    ping_tracker t;
    for (std::uint64_t i = 0; i < 4; ++i) t.sent(i, static_cast<std::int64_t>(i) * 1000 * ms);
    std::int64_t rtt = 0;
    CHECK(t.reply(0, 10 * ms, 1000 * ms, rtt) == reply_kind::fresh);
    CHECK(rtt == 10 * ms);
    CHECK(t.reply(0, 11 * ms, 1000 * ms, rtt) == reply_kind::duplicate);
    CHECK(t.reply(1, 1030 * ms, 1000 * ms, rtt) == reply_kind::fresh);
    CHECK(t.waiting(2));
    CHECK(t.reply(2, 3500 * ms, 1000 * ms, rtt) == reply_kind::late);
    CHECK_FALSE(t.waiting(2));
    CHECK(t.reply(2, 3600 * ms, 1000 * ms, rtt) == reply_kind::duplicate);
    CHECK(t.reply(9, 3600 * ms, 1000 * ms, rtt) == reply_kind::unknown);
    const auto s = t.summary();
    CHECK(s.sent == 4);
    CHECK(s.received == 2);
    CHECK(s.late == 1);
    CHECK(s.duplicates == 2);
    CHECK(s.lost_percent == doctest::Approx(50.0));
    CHECK(s.min_ms == doctest::Approx(10.0));
    CHECK(s.max_ms == doctest::Approx(30.0));
    CHECK(s.avg_ms == doctest::Approx(20.0));
    CHECK(s.mdev_ms == doctest::Approx(10.0));
    CHECK(s.p50_ms == doctest::Approx(10.0).epsilon(0.03));
    CHECK(s.p99_ms == doctest::Approx(30.0).epsilon(0.03));
}

TEST_CASE("nothing back is 100 % lost with no times") {
    ping_tracker t;
    t.sent(0, 0);
    const auto s = t.summary();
    CHECK(s.lost_percent == doctest::Approx(100.0));
    CHECK(s.received == 0);
    CHECK(s.avg_ms == 0);
}
