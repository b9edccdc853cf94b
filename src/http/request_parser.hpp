// HTTP/1.1 request head parser (RFC 9112), written as a pure function in the manner of
// picohttpparser: bytes in, "complete / incomplete / bad + why" out. It never allocates
// and never does I/O; every view it fills points into the caller's buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/message.hpp"

namespace netlab::http {

// Every buffer has a limit (DESIGN habit 4); these are the two a request head needs.
struct request_limits {
    std::size_t max_head_bytes = 16 * 1024;   // request line + headers + final CRLF
    std::size_t max_target_bytes = 8 * 1024;  // request-target alone
};

struct request_head {
    std::string_view method;
    std::string_view target;  // as sent: origin-form "/a?b" or absolute-form "http://h/a?b"
    // The target's path and query, whatever its form: "/a" and "?b" for both targets above
    // ("/" for "http://h"). For any other form ("*", "h:443") path is the target up to '?'.
    std::string_view path, query;
    int version_major = 1, version_minor = 1;
    header_list headers;
    // derived from headers by the parser:
    std::uint64_t content_length = 0;
    bool has_content_length = false;
    bool chunked = false;          // Transfer-Encoding ends in chunked
    bool keep_alive = true;        // 1.1 default on unless "Connection: close"; 1.0 only with "Connection: keep-alive"
    bool expect_continue = false;  // "Expect: 100-continue" (1.1 only, RFC 9110 §10.1.1)
    std::string_view host;         // from the Host header, or an absolute-form target's authority
    std::size_t head_size = 0;     // bytes of request line + headers + final CRLF
};

// "HTTP/1.0" or "HTTP/1.1", as the access log shows a parsed request's version.
constexpr std::string_view version_text(const request_head& h) { return h.version_minor == 0 ? "HTTP/1.0" : "HTTP/1.1"; }


struct request_parse_result {
    parse_status status;
    int error_status = 0;    // when bad: 400, 414, 431, 501 or 505
    std::string_view error;  // when bad: a short human reason (a static string)
};

// Where a parse that ran out of bytes stopped, so the next call resumes there instead of
// starting over (picohttpparser's last_len, nginx's r->state): a head that arrives a byte
// at a time then costs linear time. A default-constructed state starts a new head.
struct request_parse_state {
    enum class stage : unsigned char {
        preamble, preamble_lf, method, target, version, request_line_lf,
        field_start, field_name, field_ows, field_value, field_lf, head_end_lf
    };
    std::size_t pos = 0;  // bytes examined so far
    stage at = stage::preamble;
    std::size_t token = 0;                   // where the current token or field name began
    std::size_t name_end = 0, value = 0, value_end = 0;  // the field being read
};

// Parses the request head at the start of `buffer`.
// complete:   `out` is filled and out.head_size bytes were consumed; the body (if any)
//             follows, framed by out.chunked / out.content_length.
// incomplete: read more bytes and call again with the whole buffer (and the same `out` and
//             `state`, in the overload that takes one: then the bytes already given must
//             be unchanged and where they were, since `out` points into them). Errors
//             that are already visible (a bad byte, a target over max_target_bytes -> 414, a buffer over
//             max_head_bytes without a complete head -> 431) are reported at once instead.
// bad:        answer error_status and close; the bytes can never become a valid request.
// Rejects, rather than guesses at, everything RFC 9112 lets a server reject, because each
// guess is a request-smuggling or cache-poisoning opening (§6.3, §11.2):
// obs-fold (§5.2), whitespace before the colon (§5.1), CL with TE (§6.1), TE on 1.0 (§6.1),
// TE not ending in chunked (§6.3), conflicting Content-Length (§6.3), missing or repeated
// Host on 1.1 (RFC 9110 §7.2, RFC 9112 §3.2). An absolute-form target (§3.2.2) is
// accepted for http and https: its authority becomes `host` (the Host header, still
// required on 1.1 as nginx requires it, is ignored); one with userinfo or an empty or
// malformed authority is 400, and so is any other scheme. Accepts bare LF line ends (§2.2) and skips
// empty lines before the request line (§2.2). `out` is meaningful only when complete.
request_parse_result parse_request(std::string_view buffer, request_head& out, request_parse_state& state,
                                   const request_limits& limits = {});
// The same from the start of the buffer every time: for a whole head at once.
request_parse_result parse_request(std::string_view buffer, request_head& out, const request_limits& limits = {});

}  // namespace netlab::http
