#include "udp/trust.hpp"

#include <algorithm>

namespace netlab::udp {
namespace {

asio::ip::address unmapped(const asio::ip::address& a) {
    if (a.is_v6() && a.to_v6().is_v4_mapped()) return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
    return a;
}

}  // namespace

bool evict_before(const eviction_candidate& a, const eviction_candidate& b) {
    if (a.closed != b.closed) return a.closed;
    return a.last_seen < b.last_seen;
}

void evicted_ids::add(std::uint64_t id) {
    if (capacity_ == 0 || !set_.insert(id).second) return;
    order_.push_back(id);
    if (order_.size() > capacity_) {
        set_.erase(order_.front());
        order_.pop_front();
    }
}

report_problem check_report(std::uint64_t sent, std::size_t size, const probe::report_body& r) {
    if ((r.flags & probe::report_flag::unknown_session) != 0) {
        // "No such session" carries no counts at all.
        const bool empty = r.expected == 0 && r.received == 0 && r.lost == 0 && r.duplicates == 0 && r.bytes == 0;
        return empty ? report_problem::none : report_problem::out_of_range;
    }
    if (r.expected != sent) return report_problem::expected_not_sent;
    if (r.received > r.expected) return report_problem::received_over_expected;
    if (r.lost != r.expected - r.received) return report_problem::lost_mismatch;
    // Every datagram of the stream has `size` bytes, so the distinct ones have exactly this
    // many between them; the rest are bounded by what was counted.
    const bool sensible = r.bytes / size == r.received && r.bytes % size == 0 && r.out_of_order <= r.received &&
                          r.reorder_extent <= r.received && r.loss_bursts <= r.lost && r.longest_burst <= r.lost &&
                          (r.loss_bursts == 0) == (r.longest_burst == 0) &&
                          (r.received == 0 ? r.first_sequence == 0 : r.first_sequence < r.expected);
    return sensible ? report_problem::none : report_problem::out_of_range;
}

bool is_own_address(const asio::ip::udp::endpoint& source, const asio::ip::udp::endpoint& local,
                    const asio::ip::udp::endpoint& destination) {
    if (source.port() != local.port()) return false;
    const auto from = unmapped(source.address());
    const auto bound = unmapped(local.address());
    if (!bound.is_unspecified()) return from == bound;
    // A wildcard socket owns its port on every local address; another socket can share it
    // only with address reuse, which udp-listen never asks for.
    return from.is_loopback() || from == unmapped(destination.address());
}

echo_limiter::echo_limiter(double per_second, std::size_t peers) : rate_(per_second), max_peers_(peers) {}

void echo_limiter::refill(bucket& b, clock::time_point now) const {
    const double elapsed = std::chrono::duration<double>(now - b.at).count();
    b.tokens = std::min(rate_, b.tokens + elapsed * rate_);
    b.at = now;
}

void echo_limiter::forget_full(clock::time_point now) {
    if (last_sweep_ != clock::time_point{} && now - last_sweep_ < std::chrono::seconds(1)) return;
    last_sweep_ = now;
    for (auto it = buckets_.begin(); it != buckets_.end();) {
        refill(it->second, now);
        it = it->second.tokens >= rate_ ? buckets_.erase(it) : std::next(it);
    }
}

echo_verdict echo_limiter::allow(const asio::ip::address& peer, clock::time_point now) {
    auto it = buckets_.find(peer);
    if (it == buckets_.end()) {
        if (buckets_.size() >= max_peers_) forget_full(now);
        if (buckets_.size() >= max_peers_) return echo_verdict::no_room;
        it = buckets_.emplace(peer, bucket{rate_, now, false}).first;
    }
    auto& b = it->second;
    refill(b, now);
    if (b.tokens >= 1) {
        b.tokens -= 1;
        b.limited = false;
        return echo_verdict::allowed;
    }
    const bool first = !b.limited;
    b.limited = true;
    return first ? echo_verdict::limited_first : echo_verdict::limited;
}

}  // namespace netlab::udp
