// HTTP/1.x response heads (RFC 9112 §4, §5) and how their bodies are delimited (§6.3).
// A pure function over the caller's buffer, in picohttpparser's manner: call again with
// more bytes while it says incomplete. No allocation; views point into the buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/message.hpp"

namespace netlab::http {

struct response_limits {
    std::size_t max_head_bytes = 64 * 1024;  // status line + fields + empty line
};

struct response_head {
    int version_major = 1, version_minor = 1;
    int status = 0;
    std::string_view reason;
    header_list headers;
    std::size_t head_size = 0;  // bytes of the head; the body (if any) starts here
};

struct response_parse_result {
    parse_status status;
    std::string_view error;  // static text, set when status == bad
};

// Parses a status line and header fields. Accepts CRLF or bare LF line ends (RFC 9112
// §2.2); rejects bare CR, obs-fold (§5.2: cannot be unfolded without copying),
// whitespace before a field's colon (§5.1), control bytes, more than max_header_fields
// fields, versions other than HTTP/1.x and status codes outside 100-599 (RFC 9110 §15).
// A head that cannot fit in max_head_bytes is bad as soon as that is certain, even if
// incomplete, so a hostile server cannot make us buffer without end. Bytes that cannot
// begin "HTTP/" are bad at once. `out` is overwritten on every call.
response_parse_result parse_response(std::string_view buffer, response_head& out,
                                     const response_limits& limits = {});

// How the response body is delimited (RFC 9112 §6.3).
enum class body_framing { none, content_length, chunked, until_close };

struct framing_result {
    body_framing framing;
    std::uint64_t length = 0;  // for content_length
    bool bad = false;          // framing is unrecoverable: report, then close (§6.3 item 5)
    std::string_view error;
};

// Decides body framing from the request method and the response head, in §6.3's order:
// HEAD, 1xx (read the next head after it), 204 and 304 have no body; a Transfer-Encoding
// whose final coding is chunked means chunked and wins over Content-Length; any other
// Transfer-Encoding means until close; Content-Length values that disagree or are not
// digits are bad (RFC 9110 §8.6 allows identical repeats); otherwise until close.
// Transfer-Encoding in an HTTP/1.0 response is bad (RFC 9112 §6.1).
framing_result body_framing_for(std::string_view request_method, const response_head& head);

// Whether the server lets the connection be reused (RFC 9112 §9.3): HTTP/1.1 unless
// "Connection: close"; HTTP/1.0 only with "Connection: keep-alive". The caller must also
// not reuse it when the framing is until_close or bad.
bool response_keeps_alive(const response_head& head);

}  // namespace netlab::http
