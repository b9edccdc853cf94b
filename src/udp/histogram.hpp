// Percentiles in bounded memory: a log-linear histogram of non-negative values (ns),
// exact below 64 and within 1/32 (about 3 %) above, in the manner of HdrHistogram. One
// array of counters, fixed at construction; adding a value never allocates.
#pragma once

#include <array>
#include <cstdint>

namespace netlab::udp {

class histogram {
public:
    void add(std::uint64_t value);
    std::uint64_t count() const { return count_; }
    // The value at or below which `percent` of the values fall (nearest rank), given as
    // its bucket's midpoint; 0 when empty.
    std::uint64_t percentile(double percent) const;

private:
    static constexpr unsigned sub_bits = 5;                    // 32 buckets per power of two
    static constexpr std::size_t linear = 2u << sub_bits;      // 0..63 exact
    static constexpr std::size_t buckets = linear + (64 - sub_bits - 1) * (1u << sub_bits);  // msb 6..63
    static std::size_t index_of(std::uint64_t value);
    static std::uint64_t midpoint(std::size_t index);
    std::array<std::uint64_t, buckets> counts_{};
    std::uint64_t count_ = 0;
};

}  // namespace netlab::udp
