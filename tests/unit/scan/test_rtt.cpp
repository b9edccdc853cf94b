#include <doctest/doctest.h>

#include "scan/rtt.hpp"

using netlab::scan::rtt_estimator;
using std::chrono::microseconds;
using std::chrono::milliseconds;

TEST_CASE("before any answer the timeout is nmap's initial 1 s") {
    rtt_estimator e;
    CHECK_FALSE(e.has_samples());
    CHECK(e.timeout() == milliseconds(1000));
}

TEST_CASE("the first sample sets srtt and rttvar as RFC 6298 2.2 says") {
    rtt_estimator e;
    e.sample(milliseconds(200));
    CHECK(e.srtt() == milliseconds(200));
    CHECK(e.rttvar() == milliseconds(100));
    CHECK(e.timeout() == milliseconds(600));  // srtt + 4 * rttvar
}

TEST_CASE("later samples smooth with alpha 1/8 and beta 1/4 (RFC 6298 2.3)") {
    rtt_estimator e;
    e.sample(milliseconds(200));
    e.sample(milliseconds(400));
    // rttvar = 3/4 * 100 + 1/4 * |200 - 400| = 125; srtt = 7/8 * 200 + 1/8 * 400 = 225
    CHECK(e.rttvar() == milliseconds(125));
    CHECK(e.srtt() == milliseconds(225));
    CHECK(e.timeout() == milliseconds(725));
}

TEST_CASE("the timeout is clamped to 100 ms .. 10 s") {
    rtt_estimator fast;
    for (int i = 0; i < 50; ++i) fast.sample(microseconds(30));  // loopback
    CHECK(fast.timeout() == milliseconds(100));
    rtt_estimator slow;
    slow.sample(std::chrono::seconds(8));
    CHECK(slow.timeout() == std::chrono::seconds(10));
}
