// The trust rules as pure functions: which session a full table drops, which reports a
// sender believes, which datagrams are never echoed and how fast one address is echoed.
#include <doctest/doctest.h>

#include "udp/trust.hpp"

using namespace netlab::udp;
using namespace std::chrono_literals;
using asio::ip::make_address;
using endpoint = asio::ip::udp::endpoint;

namespace {

// An honest report for `sent` datagrams of 64 bytes, `lost` of them missing in one run.
probe::report_body honest(std::uint64_t sent, std::uint64_t lost) {
    probe::report_body r;
    r.expected = sent;
    r.received = sent - lost;
    r.lost = lost;
    r.loss_bursts = lost > 0 ? 1 : 0;
    r.longest_burst = lost;
    r.bytes = r.received * 64;
    return r;
}

}  // namespace

TEST_CASE("a full session table drops a finished session first, then the one quiet longest") {
    const auto t0 = std::chrono::steady_clock::time_point{} + 1h;
    const eviction_candidate live_old{false, t0}, live_new{false, t0 + 1s}, done_new{true, t0 + 2s}, done_old{true, t0 + 1s};
    CHECK(evict_before(done_new, live_old));  // finished, though heard from later
    CHECK_FALSE(evict_before(live_old, done_new));
    CHECK(evict_before(live_old, live_new));
    CHECK(evict_before(done_old, done_new));
    CHECK_FALSE(evict_before(live_new, live_new));
}

TEST_CASE("the ids of dropped sessions are remembered, the last N of them") {
    evicted_ids ids(3);
    for (std::uint64_t id = 1; id <= 4; ++id) ids.add(id);
    CHECK_FALSE(ids.contains(1));
    CHECK(ids.contains(2));
    CHECK(ids.contains(4));
    ids.add(4);  // again: still one place
    ids.add(5);
    CHECK_FALSE(ids.contains(2));
    CHECK(ids.contains(3));
}

TEST_CASE("an honest report passes the sender's checks") {
    CHECK(check_report(100, 64, honest(100, 0)) == report_problem::none);
    CHECK(check_report(100, 64, honest(100, 5)) == report_problem::none);
    CHECK(check_report(0, 64, honest(0, 0)) == report_problem::none);
    auto begun_again = honest(60, 17);
    begun_again.first_sequence = 17;
    begun_again.flags = probe::report_flag::evicted;
    CHECK(check_report(60, 64, begun_again) == report_problem::none);
    probe::report_body unknown;
    unknown.flags = probe::report_flag::unknown_session;
    CHECK(check_report(60, 64, unknown) == report_problem::none);
}

TEST_CASE("a report inconsistent with what was sent is named for its first fault") {
    auto r = honest(100, 0);
    r.expected = 105;
    CHECK(check_report(100, 64, r) == report_problem::expected_not_sent);

    r = honest(100, 0);
    r.received = 105;  // the "received 105 of 100, lost 18446744073709551611"
    r.lost = static_cast<std::uint64_t>(-5);
    CHECK(check_report(100, 64, r) == report_problem::received_over_expected);

    r = honest(100, 4);
    r.lost = 3;
    CHECK(check_report(100, 64, r) == report_problem::lost_mismatch);

    r = honest(100, 4);
    r.bytes += 1;
    CHECK(check_report(100, 64, r) == report_problem::out_of_range);
    r = honest(100, 4);
    r.longest_burst = 5;
    CHECK(check_report(100, 64, r) == report_problem::out_of_range);
    r = honest(100, 4);
    r.out_of_order = 97;
    CHECK(check_report(100, 64, r) == report_problem::out_of_range);
    r = honest(100, 4);
    r.first_sequence = 100;
    CHECK(check_report(100, 64, r) == report_problem::out_of_range);

    probe::report_body unknown;
    unknown.flags = probe::report_flag::unknown_session;
    unknown.received = 3;  // "no such session" with counts
    CHECK(check_report(60, 64, unknown) == report_problem::out_of_range);
}

TEST_CASE("a datagram from the listener's own address is recognised, on a specific or a wildcard bind") {
    const endpoint specific(make_address("127.0.0.1"), 5000), wildcard(make_address("::"), 5000);
    const endpoint to_lo(make_address("127.0.0.1"), 5000), to_lan(make_address("192.0.2.7"), 5000);
    CHECK(is_own_address({make_address("127.0.0.1"), 5000}, specific, to_lo));
    CHECK(is_own_address({make_address("::ffff:127.0.0.1"), 5000}, specific, to_lo));
    CHECK_FALSE(is_own_address({make_address("127.0.0.1"), 5001}, specific, to_lo));
    CHECK_FALSE(is_own_address({make_address("127.0.0.2"), 5000}, specific, to_lo));  // another socket's
    CHECK(is_own_address({make_address("::ffff:127.0.0.9"), 5000}, wildcard, to_lo));
    CHECK(is_own_address({make_address("::1"), 5000}, wildcard, to_lo));
    CHECK(is_own_address({make_address("192.0.2.7"), 5000}, wildcard, to_lan));  // sent to itself
    CHECK_FALSE(is_own_address({make_address("192.0.2.8"), 5000}, wildcard, to_lan));
    CHECK_FALSE(is_own_address({make_address("127.0.0.1"), 4999}, wildcard, to_lo));
}

TEST_CASE("echoes to one address are limited to a rate, with a burst of as many") {
    echo_limiter limit(10, 4);
    const auto t0 = std::chrono::steady_clock::time_point{} + 1h;
    const auto a = make_address("127.0.0.1"), b = make_address("127.0.0.2");
    for (int i = 0; i < 10; ++i) CHECK(limit.allow(a, t0) == echo_verdict::allowed);
    CHECK(limit.allow(a, t0) == echo_verdict::limited_first);
    CHECK(limit.allow(a, t0) == echo_verdict::limited);
    CHECK(limit.allow(b, t0) == echo_verdict::allowed);  // another address has its own
    CHECK(limit.allow(a, t0 + 100ms) == echo_verdict::allowed);  // one more after 1/10 s
    CHECK(limit.allow(a, t0 + 100ms) == echo_verdict::limited_first);
}

TEST_CASE("the echo table is bounded: a new address beyond it gets no echo until others fall quiet") {
    echo_limiter limit(10, 2);
    const auto t0 = std::chrono::steady_clock::time_point{} + 1h;
    CHECK(limit.allow(make_address("127.0.0.1"), t0) == echo_verdict::allowed);
    CHECK(limit.allow(make_address("127.0.0.2"), t0) == echo_verdict::allowed);
    CHECK(limit.allow(make_address("127.0.0.3"), t0) == echo_verdict::no_room);
    CHECK(limit.peers() == 2);
    // A second on, both buckets are full again: forgotten, and room is made.
    CHECK(limit.allow(make_address("127.0.0.3"), t0 + 2s) == echo_verdict::allowed);
    CHECK(limit.peers() <= 2);
}
