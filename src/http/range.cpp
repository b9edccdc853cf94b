#include "http/range.hpp"

#include "http/grammar.hpp"

#include <limits>
#include <optional>

#include "http/message.hpp"

namespace netlab::http {
namespace {

constexpr std::uint64_t u64_max = std::numeric_limits<std::uint64_t>::max();

using grammar::is_ows;
constexpr std::string_view trim(std::string_view s) { return grammar::trim_ows(s); }

// 1*DIGIT, saturating at the uint64 maximum instead of overflowing.
constexpr std::optional<std::uint64_t> parse_digits(std::string_view s) {
    if (s.empty()) return std::nullopt;
    std::uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        const auto d = static_cast<std::uint64_t>(c - '0');
        v = (v > (u64_max - d) / 10) ? u64_max : v * 10 + d;
    }
    return v;
}

// The range-set must hold exactly one non-empty element; empty list elements are
// allowed by the list rule (RFC 9110 §5.6.1.2).
constexpr std::optional<std::string_view> single_element(std::string_view set) {
    std::optional<std::string_view> found;
    for (;;) {
        const auto comma = set.find(',');
        const auto e = trim(set.substr(0, comma));
        if (!e.empty()) {
            if (found) return std::nullopt;
            found = e;
        }
        if (comma == std::string_view::npos) return found;
        set.remove_prefix(comma + 1);
    }
}

}  // namespace

range_result parse_range(std::string_view header_value, std::uint64_t size) {
    const range_result ignore{range_kind::none};
    const range_result unsatisfiable{range_kind::unsatisfiable};

    const auto value = trim(header_value);
    const auto eq = value.find('=');
    if (eq == std::string_view::npos || !iequals(trim(value.substr(0, eq)), "bytes")) return ignore;
    const auto spec = single_element(value.substr(eq + 1));
    if (!spec) return ignore;
    const auto dash = spec->find('-');
    if (dash == std::string_view::npos) return ignore;
    const auto first_text = trim(spec->substr(0, dash));
    const auto last_text = trim(spec->substr(dash + 1));

    if (first_text.empty()) {
        // suffix-range "-n": the last n bytes (§14.1.3).
        const auto n = parse_digits(last_text);
        if (!n) return ignore;
        if (*n == 0 || size == 0) return unsatisfiable;
        return {range_kind::satisfiable, {*n >= size ? 0 : size - *n, size - 1}};
    }
    const auto first = parse_digits(first_text);
    if (!first) return ignore;
    std::uint64_t last = u64_max;
    if (!last_text.empty()) {
        const auto l = parse_digits(last_text);
        if (!l || *l < *first) return ignore;  // last < first makes the range invalid (§14.1.2)
        last = *l;
    }
    if (*first >= size) return unsatisfiable;
    return {range_kind::satisfiable, {*first, last < size - 1 ? last : size - 1}};
}

std::string content_range(const byte_range& range, std::uint64_t size) {
    return "bytes " + std::to_string(range.first) + "-" + std::to_string(range.last) + "/" +
           std::to_string(size);
}

std::string content_range_unsatisfied(std::uint64_t size) {
    return "bytes */" + std::to_string(size);
}

}  // namespace netlab::http
