// The request head parser (serve-http's first contact with a client), through its public
// function only. Properties: a complete head holds only what the grammar allows and points
// into the buffer; the answer for a prefix never contradicts the answer for the whole
// (a prefix that is bad stays bad, one that is complete is the same head), which is what
// a parser that resumes where it stopped must keep.
#include <cstdint>
#include <string_view>

#include "head_checks.hpp"
#include "http/grammar.hpp"
#include "http/request_parser.hpp"

namespace {

using namespace netlab::http;
using netlab::fuzz::inside;

bool all_tchar(std::string_view s) {
    if (s.empty()) return false;
    for (const char c : s)
        if (!grammar::is_tchar(c)) return false;
    return true;
}

void check_head(std::string_view buffer, const request_head& h, const request_limits& limits) {
    FUZZ_CHECK(h.head_size > 0 && h.head_size <= buffer.size());
    FUZZ_CHECK(h.head_size <= limits.max_head_bytes);
    const auto head = buffer.substr(0, h.head_size);
    FUZZ_CHECK(all_tchar(h.method) && inside(h.method, head));
    FUZZ_CHECK(!h.target.empty() && h.target.size() <= limits.max_target_bytes && inside(h.target, head));
    for (const char c : h.target) FUZZ_CHECK(static_cast<unsigned char>(c) > 0x20 && c != 0x7f);
    FUZZ_CHECK(h.version_major == 1 && (h.version_minor == 0 || h.version_minor == 1));
    for (const auto& f : h.headers) {
        FUZZ_CHECK(all_tchar(f.name) && inside(f.name, head) && inside(f.value, head));
        for (const char c : f.value) FUZZ_CHECK(c != '\r' && c != '\n' && c != '\0');
        FUZZ_CHECK(f.value.empty() || (!grammar::is_ows(f.value.front()) && !grammar::is_ows(f.value.back())));
    }
    FUZZ_CHECK(!(h.chunked && h.has_content_length));  // RFC 9112 §6.1: never both
    FUZZ_CHECK(h.version_minor == 0 || !h.host.data() || inside(h.host, head));
    FUZZ_CHECK(head.ends_with('\n'));
}

void check(std::string_view all, const request_limits& limits) {
    request_head whole;
    const auto r = parse_request(all, whole, limits);
    if (r.status == parse_status::complete) {
        check_head(all, whole, limits);
        // The head alone parses to the same head.
        request_head again;
        FUZZ_CHECK(parse_request(all.substr(0, whole.head_size), again, limits).status == parse_status::complete);
        FUZZ_CHECK(again.head_size == whole.head_size && again.method == whole.method && again.target == whole.target &&
                   again.headers.size() == whole.headers.size());
    } else if (r.status == parse_status::bad) {
        FUZZ_CHECK(r.error_status >= 400 && r.error_status <= 505 && !r.error.empty());
    }

    netlab::fuzz::check_prefixes(all, [&](std::string_view bytes) {
        request_head h;
        const auto answer = parse_request(bytes, h, limits);
        return netlab::fuzz::head_answer{answer.status, h.head_size};
    });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view all(reinterpret_cast<const char*>(data), size);
    check(all, request_limits{});
    check(all, request_limits{256, 64});  // small limits, so short inputs reach 414 and 431
    return 0;
}
