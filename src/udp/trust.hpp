// What the probe's two ends believe of each other, and what the listener sends to whom
// (docs/udp-probe.md, "Trust model"). Pure functions and small bounded tables: no I/O;
// the time is passed in.
#pragma once

#include <asio/ip/udp.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <unordered_map>
#include <unordered_set>

#include "udp/probe.hpp"

namespace netlab::udp {

// ---- the listener's session table ----

// What decides which session a full table gives up for a new one.
struct eviction_candidate {
    bool closed = false;  // its fin came: only kept to answer a repeated fin
    std::chrono::steady_clock::time_point last_seen;
};

// True when `a` is dropped before `b`: finished sessions first, then the one heard from
// longest ago, so a live stream is dropped only when every kept session is live.
bool evict_before(const eviction_candidate& a, const eviction_candidate& b);

// The ids of sessions dropped for room, the last `capacity` of them: a session that comes
// back is reported as begun again (report_flag::evicted), not as one that lost the
// datagrams it sent while it was away.
class evicted_ids {
public:
    explicit evicted_ids(std::size_t capacity) : capacity_(capacity) {}
    void add(std::uint64_t id);
    bool contains(std::uint64_t id) const { return set_.contains(id); }

private:
    std::size_t capacity_;
    std::deque<std::uint64_t> order_;
    std::unordered_set<std::uint64_t> set_;
};

// ---- the sender's acceptance of a report ----

// Why a report is not used (in this order in udp-send's table of words).
enum class report_problem {
    none,
    wrong_source,            // not from the address the probe went to
    before_fin,              // came before our first fin: it answers nothing we asked
    malformed,               // our session's report, cut off before its fields
    expected_not_sent,       // expected is not the number we sent
    received_over_expected,  // more received than expected
    lost_mismatch,           // lost is not expected - received
    out_of_range,            // another count beyond what the stream allows
    contradicts,             // a second report with other counts than the first
};

// The checks a report from the listener must pass to be shown as a measurement of a
// stream of `sent` datagrams of `size` bytes each.
report_problem check_report(std::uint64_t sent, std::size_t size, const probe::report_body& r);

// ---- the listener's echo ----

// True when a datagram from `source` came from this very socket (bound at `local`;
// `destination` is the address it was sent to): an echo would come back to us, forever.
// A wildcard-bound socket is every local address on its port; of those, loopback ones
// and the datagram's own destination are recognised.
bool is_own_address(const asio::ip::udp::endpoint& source, const asio::ip::udp::endpoint& local,
                    const asio::ip::udp::endpoint& destination);

enum class echo_verdict {
    allowed,
    limited,        // the peer's bucket is empty
    limited_first,  // the same, the first time since it last had an echo
    no_room,        // the table of peers is full: a new peer gets no echo
};

// A token bucket per peer address: `per_second` echoes a second and as many in a burst.
// At most `peers` addresses are kept; when full, buckets that have filled up again (the
// peer was quiet a second) are forgotten, at most once a second, and a new peer beyond
// them gets no echo: spoofing many sources buys no more than the table holds.
class echo_limiter {
public:
    using clock = std::chrono::steady_clock;
    echo_limiter(double per_second, std::size_t peers);
    echo_verdict allow(const asio::ip::address& peer, clock::time_point now);
    std::size_t peers() const { return buckets_.size(); }

private:
    struct bucket {
        double tokens = 0;
        clock::time_point at;
        bool limited = false;
    };
    void refill(bucket& b, clock::time_point now) const;
    void forget_full(clock::time_point now);

    double rate_;
    std::size_t max_peers_;
    std::unordered_map<asio::ip::address, bucket> buckets_;
    clock::time_point last_sweep_{};
};

}  // namespace netlab::udp
