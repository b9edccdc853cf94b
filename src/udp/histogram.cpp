#include "udp/histogram.hpp"

#include <bit>
#include <cmath>

namespace netlab::udp {

std::size_t histogram::index_of(std::uint64_t value) {
    if (value < linear) return static_cast<std::size_t>(value);
    const unsigned msb = 63u - static_cast<unsigned>(std::countl_zero(value));  // >= sub_bits + 1
    const unsigned shift = msb - sub_bits;
    const std::uint64_t sub = (value >> shift) & ((1u << sub_bits) - 1);
    return linear + (msb - sub_bits - 1) * (1u << sub_bits) + static_cast<std::size_t>(sub);
}

std::uint64_t histogram::midpoint(std::size_t index) {
    if (index < linear) return index;
    const std::size_t k = index - linear;
    const unsigned msb = static_cast<unsigned>(k >> sub_bits) + sub_bits + 1;
    const unsigned shift = msb - sub_bits;
    const std::uint64_t low = ((std::uint64_t{1} << sub_bits) | (k & ((1u << sub_bits) - 1))) << shift;
    return low + (std::uint64_t{1} << shift) / 2;
}

void histogram::add(std::uint64_t value) {
    ++counts_[index_of(value)];
    ++count_;
}

std::uint64_t histogram::percentile(double percent) const {
    if (count_ == 0) return 0;
    const auto rank = static_cast<std::uint64_t>(std::ceil(percent / 100.0 * static_cast<double>(count_)));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < buckets; ++i) {
        seen += counts_[i];
        if (seen >= rank && seen > 0) return midpoint(i);
    }
    return midpoint(buckets - 1);
}

}  // namespace netlab::udp
