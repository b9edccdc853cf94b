#include "udp/ping_stats.hpp"

#include <algorithm>
#include <cmath>

namespace netlab::udp {

ping_tracker::ping_tracker() : requests_(remembered) {}

void ping_tracker::sent(std::uint64_t seq, std::int64_t at_ns) {
    requests_[seq % remembered] = {seq, at_ns, false};
    ++sent_;
}

reply_kind ping_tracker::reply(std::uint64_t seq, std::int64_t at_ns, std::int64_t timeout_ns, std::int64_t& rtt_ns) {
    request& r = requests_[seq % remembered];
    if (r.seq != seq) return reply_kind::unknown;
    if (r.answered) {
        ++duplicates_;
        return reply_kind::duplicate;
    }
    r.answered = true;
    rtt_ns = at_ns - r.sent_ns;
    if (rtt_ns > timeout_ns) {
        ++late_;
        return reply_kind::late;
    }
    const double ms = static_cast<double>(rtt_ns) / 1e6;
    min_ms_ = received_ == 0 ? ms : std::min(min_ms_, ms);
    max_ms_ = received_ == 0 ? ms : std::max(max_ms_, ms);
    sum_ms_ += ms;
    sum_sq_ms_ += ms * ms;
    rtt_ns_.add(static_cast<std::uint64_t>(std::max<std::int64_t>(rtt_ns, 0)));
    ++received_;
    return reply_kind::fresh;
}

bool ping_tracker::waiting(std::uint64_t seq) const {
    const request& r = requests_[seq % remembered];
    return r.seq == seq && !r.answered;
}

ping_summary ping_tracker::summary() const {
    ping_summary s;
    s.sent = sent_;
    s.received = received_;
    s.late = late_;
    s.duplicates = duplicates_;
    s.lost_percent = sent_ == 0 ? 0 : 100.0 * static_cast<double>(sent_ - received_) / static_cast<double>(sent_);
    if (received_ > 0) {
        const double n = static_cast<double>(received_);
        s.min_ms = min_ms_;
        s.max_ms = max_ms_;
        s.avg_ms = sum_ms_ / n;
        // As ping(8): the standard deviation, sqrt(E[x^2] - E[x]^2).
        s.mdev_ms = std::sqrt(std::max(0.0, sum_sq_ms_ / n - s.avg_ms * s.avg_ms));
        s.p50_ms = static_cast<double>(rtt_ns_.percentile(50)) / 1e6;
        s.p90_ms = static_cast<double>(rtt_ns_.percentile(90)) / 1e6;
        s.p99_ms = static_cast<double>(rtt_ns_.percentile(99)) / 1e6;
    }
    return s;
}

}  // namespace netlab::udp
