// The response head parser and the body framing decision (get's first contact with a
// server). Properties as for requests: a complete head is well formed and points into the
// buffer, a prefix never contradicts the whole; and the framing follows RFC 9112 §6.3:
// no body for HEAD, 1xx, 204 and 304, a length only from a Content-Length field.
#include <cstdint>
#include <string_view>

#include "head_checks.hpp"
#include "http/grammar.hpp"
#include "http/response_parser.hpp"

namespace {

using namespace netlab::http;
using netlab::fuzz::inside;

void check_framing(std::string_view method, const response_head& h) {
    const auto f = body_framing_for(method, h);
    if (f.bad) {
        FUZZ_CHECK(!f.error.empty());
        return;
    }
    const bool no_body = method == "HEAD" || h.status < 200 || h.status == 204 || h.status == 304;
    if (no_body) FUZZ_CHECK(f.framing == body_framing::none);
    if (f.framing == body_framing::content_length) FUZZ_CHECK(find_header(h.headers, "content-length") != nullptr);
    if (f.framing == body_framing::chunked) FUZZ_CHECK(find_header(h.headers, "transfer-encoding") != nullptr);
    (void)response_keeps_alive(h);
}

void check(std::string_view all, const response_limits& limits) {
    response_head whole;
    const auto r = parse_response(all, whole, limits);
    if (r.status == parse_status::complete) {
        FUZZ_CHECK(whole.head_size > 0 && whole.head_size <= all.size() && whole.head_size <= limits.max_head_bytes);
        const auto head = all.substr(0, whole.head_size);
        FUZZ_CHECK(head.starts_with("HTTP/1.") && head.ends_with('\n'));
        FUZZ_CHECK(whole.version_major == 1 && whole.status >= 100 && whole.status <= 599);
        FUZZ_CHECK(inside(whole.reason, head));
        for (const auto& f : whole.headers) {
            FUZZ_CHECK(!f.name.empty() && inside(f.name, head) && inside(f.value, head));
            for (const char c : f.name) FUZZ_CHECK(grammar::is_tchar(c));
            for (const char c : f.value) FUZZ_CHECK(c != '\r' && c != '\n' && c != '\0');
        }
        check_framing("GET", whole);
        check_framing("HEAD", whole);
        response_head again;
        FUZZ_CHECK(parse_response(head, again, limits).status == parse_status::complete);
        FUZZ_CHECK(again.head_size == whole.head_size && again.status == whole.status &&
                   again.headers.size() == whole.headers.size());
    } else if (r.status == parse_status::bad) {
        FUZZ_CHECK(!r.error.empty());
    }

    netlab::fuzz::check_prefixes(all, [&](std::string_view bytes) {
        response_head h;
        const auto answer = parse_response(bytes, h, limits);
        return netlab::fuzz::head_answer{answer.status, h.head_size};
    });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view all(reinterpret_cast<const char*>(data), size);
    check(all, response_limits{});
    check(all, response_limits{256});
    return 0;
}
