#include "udp/session_stats.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace netlab::udp {
namespace {

constexpr std::uint64_t mask(std::uint64_t n) { return n >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1; }

// a - b, held at the int64 limits. A send time is whatever the datagram says, so a
// difference with it may not fit (found by tests/fuzz/fuzz_udp_probe).
constexpr std::int64_t saturating_difference(std::int64_t a, std::int64_t b) {
    constexpr auto max = std::numeric_limits<std::int64_t>::max(), min = std::numeric_limits<std::int64_t>::min();
    if (b < 0 && a > max + b) return max;
    if (b > 0 && a < min + b) return min;
    return a - b;
}

constexpr std::uint64_t magnitude(std::int64_t d) {
    return d < 0 ? static_cast<std::uint64_t>(-(d + 1)) + 1 : static_cast<std::uint64_t>(d);
}

}  // namespace

session_stats::session_stats() : bits_(window / 64), rises_(rise_records) {}

bool session_stats::seen(std::uint64_t seq) const {
    const std::uint64_t slot = seq % window;
    return (bits_[slot / 64] >> (slot % 64)) & 1u;
}

void session_stats::mark(std::uint64_t seq) {
    const std::uint64_t slot = seq % window;
    bits_[slot / 64] |= std::uint64_t{1} << (slot % 64);
}

template <class Self, class Each>
void session_stats::for_words(std::uint64_t from, std::uint64_t to, Self& self, Each each) {
    for (std::uint64_t s = from; s < to;) {
        const std::uint64_t slot = s % window;
        const std::uint64_t bit = slot % 64;
        const std::uint64_t n = std::min<std::uint64_t>(64 - bit, to - s);
        each(self.bits_[slot / 64], bit, n);
        s += n;
    }
}

void session_stats::count_missing(std::uint64_t from, std::uint64_t to, burst_counter& counter) const {
    // A word at a time: mostly all seen, sometimes all missing, rarely mixed.
    for_words(from, to, *this, [&](const std::uint64_t& word, std::uint64_t bit, std::uint64_t n) {
        const std::uint64_t w = (word >> bit) & mask(n);
        if (w == mask(n)) {
            counter.present();
        } else if (w == 0) {
            counter.missing(n);
        } else {
            for (std::uint64_t b = 0; b < n; ++b) {
                if ((w >> b) & 1u) counter.present();
                else counter.missing(1);
            }
        }
    });
}

void session_stats::clear(std::uint64_t from, std::uint64_t to) {
    for_words(from, to, *this, [](std::uint64_t& word, std::uint64_t bit, std::uint64_t n) { word &= ~(mask(n) << bit); });
}

void session_stats::advance(std::uint64_t new_highest) {
    const std::uint64_t new_base = new_highest + 1 > window ? new_highest + 1 - window : 0;
    if (new_base > base_) {
        // Numbers leaving the window are final: read (and clear) the ones it held, and
        // the ones it never held (a jump longer than the window) are all missing.
        const std::uint64_t held_end = std::min(new_base, any_ ? highest_ + 1 : 0);
        if (held_end > base_) {
            count_missing(base_, held_end, final_bursts_);
            clear(base_, held_end);  // their slots take the new numbers
        }
        const std::uint64_t never_held = std::max(base_, held_end);
        if (new_base > never_held) final_bursts_.missing(new_base - never_held);
        base_ = new_base;
    }
    highest_ = new_highest;
}

void session_stats::record_rise(std::uint64_t index, std::uint64_t from, std::uint64_t to) {
    if (rise_count_ > 0) {
        rise& last = rises_[(rise_head_ + rise_count_ - 1) % rise_records];
        if (index == last.index + last.length && to == last.to + last.length && from + 1 == to) {
            ++last.length;
            return;
        }
    }
    if (rise_count_ == rise_records) {
        rise_head_ = (rise_head_ + 1) % rise_records;  // the oldest goes
        --rise_count_;
    }
    rises_[(rise_head_ + rise_count_) % rise_records] = {index, from, to, 1};
    ++rise_count_;
}

std::uint64_t session_stats::first_higher_arrival(std::uint64_t seq, std::uint64_t index) const {
    // Rises are in order of `from`; find the last one that starts at or below seq.
    const auto at = [&](std::size_t k) -> const rise& { return rises_[(rise_head_ + k) % rise_records]; };
    if (rise_count_ == 0 || seq < at(0).from) {
        // Forgotten: the oldest record kept still gives a lower bound.
        return rise_count_ == 0 ? index : at(0).index;
    }
    std::size_t lo = 0, hi = rise_count_;  // invariant: at(lo).from <= seq
    while (hi - lo > 1) {
        const std::size_t mid = lo + (hi - lo) / 2;
        if (at(mid).from <= seq) lo = mid;
        else hi = mid;
    }
    const rise& r = at(lo);
    if (seq < r.to) return r.index;
    return r.index + (seq - r.to) + 1;
}

void session_stats::timing(std::uint64_t seq, std::int64_t send_ns, std::int64_t arrival_ns) {
    const std::int64_t transit = saturating_difference(arrival_ns, send_ns);
    if (have_prev_) {
        const std::uint64_t d = magnitude(saturating_difference(transit, prev_transit_));
        // RFC 3550 A.8: J += (|D| - J) / 16.
        jitter_ += (static_cast<double>(d) - jitter_) / 16.0;
        if (seq == prev_seq_ + 1) ipdv_.add(d);
    } else {
        first_arrival_ = arrival_ns;
    }
    have_prev_ = true;
    prev_seq_ = seq;
    prev_transit_ = transit;
    last_arrival_ = arrival_ns;
}

void session_stats::add(std::uint64_t seq, std::int64_t send_ns, std::int64_t arrival_ns, std::size_t bytes) {
    if (closed_) return;
    const std::uint64_t index = received_;  // arrival index among distinct datagrams
    if (seq == std::numeric_limits<std::uint64_t>::max()) {
        // No sender reaches it (the count it implies, 2^64, fits no report), but any
        // datagram can say it: counted as late rather than wrapping `expected` around to 0
        // (found by tests/fuzz/fuzz_udp_probe).
        ++late_;
        return;
    }
    if (!any_ || seq > highest_) {
        const std::uint64_t from = any_ ? highest_ : 0;
        advance(seq);
        any_ = true;
        record_rise(index, from, seq);
    } else if (seq < base_) {
        ++late_;
        return;
    } else if (seen(seq)) {
        ++duplicates_;
        return;
    } else {
        ++out_of_order_;
        extent_ = std::max(extent_, index - first_higher_arrival(seq, index));
    }
    mark(seq);
    if (received_ == 0 || seq < lowest_) lowest_ = seq;
    ++received_;
    bytes_ += bytes;
    timing(seq, send_ns, arrival_ns);
}

void session_stats::close(std::uint64_t count) {
    closed_ = true;
    sent_count_ = count;
}

probe::report_body session_stats::report() const {
    probe::report_body r;
    const std::uint64_t seen_upto = any_ ? highest_ + 1 : 0;
    r.expected = closed_ ? std::max(sent_count_, seen_upto) : seen_upto;
    r.received = received_;
    r.lost = r.expected - received_;
    r.duplicates = duplicates_;
    r.out_of_order = out_of_order_;
    r.late = late_;
    r.reorder_extent = extent_;
    // Bursts: the final ones, then the window as it stands, then the tail never seen.
    burst_counter bursts = final_bursts_;
    count_missing(base_, seen_upto, bursts);
    bursts.missing(r.expected - seen_upto);
    bursts.present();
    r.loss_bursts = bursts.bursts;
    r.longest_burst = bursts.longest;
    r.jitter_ns = static_cast<std::uint64_t>(std::llround(jitter_));
    r.ipdv_p50_ns = ipdv_.percentile(50);
    r.ipdv_p90_ns = ipdv_.percentile(90);
    r.ipdv_p99_ns = ipdv_.percentile(99);
    r.bytes = bytes_;
    r.duration_ns = static_cast<std::uint64_t>(last_arrival_ - first_arrival_);
    r.first_sequence = received_ > 0 ? lowest_ : 0;
    return r;
}

}  // namespace netlab::udp
