// UDP ping bookkeeping: which requests are out, which replies are fresh, late (after
// their timeout) or duplicates, and the round-trip times as ping(8) reports them —
// min/avg/max/mdev — plus p50/p90/p99. Bounded: the last 4,096 requests are remembered.
#pragma once

#include <cstdint>
#include <vector>

#include "udp/histogram.hpp"

namespace netlab::udp {

struct ping_summary {
    std::uint64_t sent = 0;
    std::uint64_t received = 0;    // fresh replies
    std::uint64_t late = 0;        // came after their timeout: not counted as received
    std::uint64_t duplicates = 0;  // a second (or later) reply to one request
    double lost_percent = 0;       // (sent - received) / sent
    double min_ms = 0, avg_ms = 0, max_ms = 0, mdev_ms = 0;
    double p50_ms = 0, p90_ms = 0, p99_ms = 0;
};

enum class reply_kind { fresh, late, duplicate, unknown };

class ping_tracker {
public:
    static constexpr std::size_t remembered = 4096;

    ping_tracker();
    void sent(std::uint64_t seq, std::int64_t at_ns);
    // A reply to `seq` at `at_ns`: fresh within `timeout_ns` of its request (its
    // round-trip time in `rtt_ns`), late after that, a duplicate when one came before,
    // unknown for a request never sent or long forgotten.
    reply_kind reply(std::uint64_t seq, std::int64_t at_ns, std::int64_t timeout_ns, std::int64_t& rtt_ns);
    // True while `seq` has had no reply (for reporting its timeout).
    bool waiting(std::uint64_t seq) const;
    ping_summary summary() const;

private:
    struct request {
        std::uint64_t seq = ~std::uint64_t{0};
        std::int64_t sent_ns = 0;
        bool answered = false;
    };
    std::vector<request> requests_;
    std::uint64_t sent_ = 0, received_ = 0, late_ = 0, duplicates_ = 0;
    double sum_ms_ = 0, sum_sq_ms_ = 0, min_ms_ = 0, max_ms_ = 0;
    histogram rtt_ns_;
};

}  // namespace netlab::udp
