// Range field values. Properties: a satisfiable range lies inside the representation
// (first <= last < size) and its Content-Range says so; and against a model of RFC 9110
// §14.1.2, a well-formed single range built from the input gives exactly the answer the
// RFC gives. Input: one mode byte (small sizes or any), the size, then the field value.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "http/range.hpp"

namespace {

using namespace netlab::http;

void check_inside(const range_result& r, std::uint64_t size) {
    if (r.kind != range_kind::satisfiable) return;
    FUZZ_CHECK(size > 0 && r.range.first <= r.range.last && r.range.last < size);
    FUZZ_CHECK(content_range(r.range, size) == "bytes " + std::to_string(r.range.first) + "-" +
                                                   std::to_string(r.range.last) + "/" + std::to_string(size));
}

// The RFC's answer for "bytes=first-last", "bytes=first-" (last absent) and "bytes=-n".
range_result model(std::uint64_t size, std::optional<std::uint64_t> first, std::optional<std::uint64_t> last) {
    if (!first) {  // suffix
        if (*last == 0 || size == 0) return {range_kind::unsatisfiable};
        return {range_kind::satisfiable, {*last >= size ? 0 : size - *last, size - 1}};
    }
    if (last && *last < *first) return {range_kind::none};
    if (*first >= size) return {range_kind::unsatisfiable};
    return {range_kind::satisfiable, {*first, last && *last < size - 1 ? *last : size - 1}};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    netlab::fuzz::input in(data, size);
    const std::uint8_t mode = in.byte();
    std::uint64_t length = in.u64();
    if (mode & 1) length %= 64;  // small representations, where the edges are
    const auto value = in.rest();
    check_inside(parse_range(value, length), length);

    // A well-formed range from the same bytes, checked against the model.
    netlab::fuzz::input numbers(data, size);
    numbers.byte();
    numbers.u64();
    std::uint64_t a = numbers.u64(), b = numbers.u64();
    if (mode & 2) {
        a %= 80;
        b %= 80;
    }
    const int shape = (mode >> 2) % 3;
    const std::optional<std::uint64_t> first = shape == 2 ? std::nullopt : std::optional(a);
    const std::optional<std::uint64_t> last = shape == 1 ? std::nullopt : std::optional(b);
    const std::string text = "bytes=" + (first ? std::to_string(*first) : "") + "-" + (last ? std::to_string(*last) : "");
    const auto got = parse_range(text, length);
    const auto want = model(length, first, last);
    FUZZ_CHECK(got.kind == want.kind);
    if (got.kind == range_kind::satisfiable)
        FUZZ_CHECK(got.range.first == want.range.first && got.range.last == want.range.last);
    check_inside(got, length);
    return 0;
}
