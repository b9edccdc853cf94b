// What a listener counts for one probe session, exactly and in bounded memory
// (docs/udp-probe.md defines every count):
//   expected      highest sequence + 1; once closed, the sender's own count if larger
//   received      distinct sequence numbers seen (duplicates and late ones not included)
//   lost          expected - received
//   duplicate     a sequence number seen again (within the window)
//   out of order  a sequence number lower than the highest seen before it
//   late          more than `window` behind the highest: it can no longer be told from a
//                 duplicate, so it stays counted as lost; also the number 2^64 - 1, whose
//                 count (2^64) no report can carry
//   reordering extent  RFC 4737 §4.2: for an out-of-order datagram arriving i-th, i - j
//                 where j is the earliest arrival with a higher sequence number; the
//                 largest is kept
//   loss bursts   maximal runs of consecutive missing sequence numbers; count and longest
//   jitter        RFC 3550 §6.4.1 / A.8 interarrival jitter over arrivals in order
//   first sequence  the lowest sequence number counted
//   IPDV          RFC 3393 |IPDV| of each pair consecutive in sequence and in arrival
//                 (RFC 5481 §4.1's selection), as p50/p90/p99
// State per session: a 65,536-bit window of seen sequence numbers, 1,024 records of how
// the highest sequence rose (for the reordering extent), one histogram. Adding a datagram
// never allocates.
#pragma once

#include <cstdint>
#include <vector>

#include "udp/histogram.hpp"
#include "udp/probe.hpp"

namespace netlab::udp {

class session_stats {
public:
    static constexpr std::uint64_t window = 1u << 16;
    static constexpr std::size_t rise_records = 1024;

    session_stats();

    void add(std::uint64_t sequence, std::int64_t send_ns, std::int64_t arrival_ns, std::size_t bytes);
    // The sender's fin: it sent `count` datagrams. Later datagrams are not counted.
    void close(std::uint64_t count);
    bool closed() const { return closed_; }
    std::uint64_t received() const { return received_; }

    // The counts so far (final once closed).
    probe::report_body report() const;

private:
    // Missing sequence numbers, counted as runs in sequence order as they become final.
    struct burst_counter {
        std::uint64_t run = 0, bursts = 0, longest = 0;
        void missing(std::uint64_t n) { run += n; }
        void present() {
            if (run == 0) return;
            ++bursts;
            if (run > longest) longest = run;
            run = 0;
        }
    };
    // At arrival index `index` the highest sequence rose from `from` to `to`, then by one
    // at each of the next `length - 1` arrivals.
    struct rise {
        std::uint64_t index = 0, from = 0, to = 0, length = 0;
    };

    bool seen(std::uint64_t seq) const;
    void mark(std::uint64_t seq);
    void advance(std::uint64_t new_highest);
    // Calls each(word, first bit, bit count) for the window slots of [from, to).
    template <class Self, class Each>
    static void for_words(std::uint64_t from, std::uint64_t to, Self& self, Each each);
    // Runs of missing numbers in [from, to), read from the window.
    void count_missing(std::uint64_t from, std::uint64_t to, burst_counter& counter) const;
    void clear(std::uint64_t from, std::uint64_t to);
    void record_rise(std::uint64_t index, std::uint64_t from, std::uint64_t to);
    std::uint64_t first_higher_arrival(std::uint64_t seq, std::uint64_t index) const;
    void timing(std::uint64_t seq, std::int64_t send_ns, std::int64_t arrival_ns);

    std::vector<std::uint64_t> bits_;  // window / 64 words, slot = seq % window
    std::vector<rise> rises_;          // a ring of rise_records
    std::size_t rise_head_ = 0, rise_count_ = 0;
    histogram ipdv_;

    bool any_ = false;
    bool closed_ = false;
    std::uint64_t sent_count_ = 0;
    std::uint64_t highest_ = 0;
    std::uint64_t lowest_ = 0;  // of the counted ones: where the listener's view begins
    std::uint64_t base_ = 0;  // lowest sequence number still in the window
    burst_counter final_bursts_;  // over [0, base_)
    std::uint64_t received_ = 0, duplicates_ = 0, out_of_order_ = 0, late_ = 0, bytes_ = 0, extent_ = 0;
    bool have_prev_ = false;
    std::uint64_t prev_seq_ = 0;
    std::int64_t prev_transit_ = 0;
    double jitter_ = 0;
    std::int64_t first_arrival_ = 0, last_arrival_ = 0;
};

}  // namespace netlab::udp
