// The listener's counts over crafted arrival orders, checked against the definitions
// computed the slow way (every arrival compared with every other), and the limits of
// the bounded state: the window, jumps longer than it, the sender's closing count.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <limits>
#include <new>
#include <random>
#include <set>
#include <vector>

#include "udp/session_stats.hpp"

using netlab::udp::session_stats;
using netlab::udp::probe::report_body;

namespace {

// Counts heap allocations while armed: adding datagrams must not allocate.
std::atomic<bool> counting{false};
std::atomic<long> allocations{0};

}  // namespace

// Called through a volatile pointer: GCC would otherwise pair the inlined `new` with
// `free` and warn (-Wmismatched-new-delete), although this pair is the replacement.
void* (*volatile allocate)(std::size_t) = std::malloc;
void (*volatile release)(void*) = std::free;

void* operator new(std::size_t n) {
    if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = allocate(n == 0 ? 1 : n)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { release(p); }
void operator delete(void* p, std::size_t) noexcept { release(p); }

namespace {

constexpr std::int64_t ms = 1'000'000;

// The definitions in docs/udp-probe.md, computed directly (quadratic, unbounded).
report_body reference(const std::vector<std::uint64_t>& arrivals, std::uint64_t closing_count = 0) {
    report_body r;
    std::set<std::uint64_t> seen;
    std::vector<std::uint64_t> distinct;  // in arrival order
    std::uint64_t highest = 0;
    bool any = false;
    for (const auto s : arrivals) {
        if (seen.count(s)) {
            ++r.duplicates;
            continue;
        }
        if (any && s < highest) {
            ++r.out_of_order;
            const std::uint64_t i = distinct.size();
            std::uint64_t j = 0;
            while (distinct[j] <= s) ++j;
            r.reorder_extent = std::max(r.reorder_extent, i - j);
        }
        seen.insert(s);
        distinct.push_back(s);
        highest = any ? std::max(highest, s) : s;
        any = true;
    }
    r.expected = std::max(any ? highest + 1 : 0, closing_count);
    r.received = seen.size();
    r.lost = r.expected - r.received;
    std::uint64_t run = 0;
    for (std::uint64_t s = 0; s <= r.expected; ++s) {
        if (s < r.expected && !seen.count(s)) {
            ++run;
            continue;
        }
        if (run > 0) {
            ++r.loss_bursts;
            r.longest_burst = std::max(r.longest_burst, run);
        }
        run = 0;
    }
    return r;
}

// Every datagram sent 1 ms apart and arriving with the same delay (no jitter).
report_body feed(const std::vector<std::uint64_t>& arrivals, std::uint64_t closing_count = 0) {
    session_stats s;
    std::int64_t t = 0;
    for (const auto seq : arrivals) s.add(seq, static_cast<std::int64_t>(seq) * ms, (t += ms) + 5 * ms, 64);
    if (closing_count > 0) s.close(closing_count);
    return s.report();
}

void check_counts(const report_body& got, const report_body& want) {
    CHECK(got.expected == want.expected);
    CHECK(got.received == want.received);
    CHECK(got.lost == want.lost);
    CHECK(got.duplicates == want.duplicates);
    CHECK(got.out_of_order == want.out_of_order);
    CHECK(got.reorder_extent == want.reorder_extent);
    CHECK(got.loss_bursts == want.loss_bursts);
    CHECK(got.longest_burst == want.longest_burst);
}

std::vector<std::uint64_t> in_order(std::uint64_t n) {
    std::vector<std::uint64_t> v(n);
    for (std::uint64_t i = 0; i < n; ++i) v[i] = i;
    return v;
}

}  // namespace

TEST_CASE("a stream in order has nothing lost, duplicated or reordered") {
    const auto r = feed(in_order(100));
    CHECK(r.expected == 100);
    CHECK(r.received == 100);
    CHECK(r.lost == 0);
    CHECK(r.duplicates == 0);
    CHECK(r.out_of_order == 0);
    CHECK(r.loss_bursts == 0);
    CHECK(r.bytes == 6400);
    CHECK(r.duration_ns == 99 * ms);
    CHECK(r.jitter_ns == 0);
}

TEST_CASE("drops, a duplicate, a swap and a delay are each counted exactly") {
    // 100 datagrams; 10, 11, 12 and 50 dropped; 20 twice; 30 and 31 swapped; 40 three
    // places late (after 43).
    std::vector<std::uint64_t> a;
    for (std::uint64_t i = 0; i < 100; ++i) {
        if (i == 10 || i == 11 || i == 12 || i == 50 || i == 30 || i == 40) continue;
        a.push_back(i);
        if (i == 20) a.push_back(20);
        if (i == 31) a.push_back(30);
        if (i == 43) a.push_back(40);
    }
    const auto r = feed(a);
    CHECK(r.received == 96);
    CHECK(r.lost == 4);
    CHECK(r.duplicates == 1);
    CHECK(r.out_of_order == 2);
    CHECK(r.reorder_extent == 3);
    CHECK(r.loss_bursts == 2);
    CHECK(r.longest_burst == 3);
    check_counts(r, reference(a));
}

TEST_CASE("the RFC 4737 extent is measured to the first arrival with a higher number") {
    // Arrivals 0 1 2 5 6 7 3 4: 5 came at index 3; 3 (index 6) has extent 3, 4 (index 7)
    // extent 4.
    const std::vector<std::uint64_t> a{0, 1, 2, 5, 6, 7, 3, 4};
    const auto r = feed(a);
    CHECK(r.out_of_order == 2);
    CHECK(r.reorder_extent == 4);
    check_counts(r, reference(a));
}

TEST_CASE("losses before the first and after the last datagram count once the sender closes") {
    const std::vector<std::uint64_t> a{3, 4, 5, 6};
    auto r = feed(a);
    CHECK(r.lost == 3);
    CHECK(r.loss_bursts == 1);
    r = feed(a, 10);  // the sender says it sent 10: 7, 8, 9 never came
    CHECK(r.expected == 10);
    CHECK(r.lost == 6);
    CHECK(r.loss_bursts == 2);
    CHECK(r.longest_burst == 3);
    check_counts(r, reference(a, 10));
}

TEST_CASE("random drops, duplicates and reorderings match the definitions") {
    std::mt19937_64 rng(2024);
    for (int round = 0; round < 200; ++round) {
        std::vector<std::uint64_t> a;
        const std::uint64_t n = 50 + rng() % 2000;
        for (std::uint64_t i = 0; i < n; ++i) {
            if (rng() % 10 == 0) continue;            // dropped
            a.push_back(i);
            if (rng() % 30 == 0) a.push_back(i);      // duplicated at once
        }
        for (std::size_t k = 0; k + 1 < a.size(); ++k)  // some pushed a few places later
            if (rng() % 15 == 0) std::rotate(a.begin() + static_cast<long>(k), a.begin() + static_cast<long>(k) + 1,
                                             a.begin() + static_cast<long>(std::min(a.size(), k + 2 + rng() % 20)));
        if (rng() % 3 == 0 && !a.empty()) a.push_back(a[rng() % a.size()]);  // a late duplicate
        const std::uint64_t closing = rng() % 2 ? n : 0;
        CAPTURE(round);
        check_counts(feed(a, closing), reference(a, closing));
    }
}

TEST_CASE("a datagram more than the window behind is late, not a duplicate, and stays lost") {
    std::vector<std::uint64_t> a = in_order(session_stats::window + 100);
    a.erase(a.begin() + 5);   // 5 lost...
    a.push_back(5);           // ...then arrives far too late
    a.push_back(7);           // a real duplicate, but beyond the window: also late
    const auto r = feed(a);
    CHECK(r.late == 2);
    CHECK(r.duplicates == 0);
    CHECK(r.lost == 1);
    CHECK(r.loss_bursts == 1);
}

TEST_CASE("a jump longer than the window counts every number skipped") {
    const std::vector<std::uint64_t> a{0, 1, 3 * session_stats::window, 3 * session_stats::window + 1};
    const auto r = feed(a);
    CHECK(r.lost == 3 * session_stats::window - 2);
    CHECK(r.loss_bursts == 1);
    CHECK(r.longest_burst == 3 * session_stats::window - 2);
}

TEST_CASE("jitter follows RFC 3550 and IPDV takes pairs consecutive in sequence") {
    session_stats s;
    // Transit alternates 5 ms and 7 ms: |D| is 2 ms every time.
    for (std::uint64_t i = 0; i < 200; ++i) {
        const auto send = static_cast<std::int64_t>(i) * 10 * ms;
        s.add(i, send, send + (i % 2 ? 7 : 5) * ms, 100);
    }
    double j = 0;  // the same recursion, here
    for (int k = 1; k < 200; ++k) j += (2.0 * ms - j) / 16.0;
    const auto r = s.report();
    CHECK(static_cast<double>(r.jitter_ns) == doctest::Approx(j).epsilon(1e-6));
    CHECK(static_cast<double>(r.ipdv_p50_ns) == doctest::Approx(2.0 * ms).epsilon(0.03));
    CHECK(static_cast<double>(r.ipdv_p99_ns) == doctest::Approx(2.0 * ms).epsilon(0.03));
}

TEST_CASE("send times at the ends of the clock's range are counted without overflow") {
    // Found by tests/fuzz/fuzz_udp_probe: the send time is whatever a datagram says, and
    // arrival - send overflowed (UBSan: signed integer overflow).
    session_stats s;
    const std::int64_t arrival = 1'700'000'000'000'000'000;
    const std::int64_t max = std::numeric_limits<std::int64_t>::max(), min = std::numeric_limits<std::int64_t>::min();
    s.add(0, min, arrival, 10);
    s.add(1, max, arrival + 1, 10);
    s.add(2, min + 2, arrival + 2, 10);
    const auto r = s.report();
    CHECK(r.received == 3);
    // The transit times differ by as much as an int64 holds; wrapped around, they would
    // differ by 2 ns and the jitter would stay near 0.
    CHECK(r.jitter_ns > 100'000'000'000'000'000);
}

TEST_CASE("the largest sequence number is late: it would wrap the expected count around") {
    // Found by tests/fuzz/fuzz_udp_probe: highest + 1 was 0, so more were received than expected.
    session_stats s;
    const auto max = std::numeric_limits<std::uint64_t>::max();
    s.add(5, 0, 1, 10);
    s.add(max, 0, 2, 10);
    s.add(max - 1, 0, 3, 10);
    const auto r = s.report();
    CHECK(r.received == 2);
    CHECK(r.late == 1);
    CHECK(r.expected == max);
    CHECK(r.lost == max - 2);
    CHECK(r.longest_burst <= r.lost);
}

TEST_CASE("datagrams after the sender's fin are not counted") {
    session_stats s;
    s.add(0, 0, 1, 10);
    s.close(2);
    s.add(1, 0, 2, 10);
    CHECK(s.report().received == 1);
    CHECK(s.report().lost == 1);
}

TEST_CASE("adding datagrams does not allocate") {
    session_stats s;
    s.add(0, 0, 1, 64);
    allocations = 0;
    counting = true;
    for (std::uint64_t i = 1; i < 300'000; ++i) {
        const std::uint64_t seq = i % 97 == 0 ? i - 3 : i;  // some reordering and duplicates
        s.add(seq, static_cast<std::int64_t>(i), static_cast<std::int64_t>(i) + 50, 64);
    }
    counting = false;
    CHECK(allocations.load() == 0);
}
