#include "http/request_parser.hpp"

#include "http/grammar.hpp"

#include <algorithm>
#include <array>
#include <limits>

namespace netlab::http {
namespace {

using grammar::is_tchar;

// A request-target is visible ASCII; bytes >= 0x80 pass here (nginx does the same) and are
// judged later by the path normalizer's UTF-8 check. SP, CTLs and DEL can never appear.
constexpr bool is_target_char(char c) {
    const auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u != 0x7f;
}

using grammar::is_ows;

constexpr request_parse_result bad(int status, std::string_view why) {
    return {parse_status::bad, status, why};
}

constexpr request_parse_result good() { return {parse_status::complete, 0, {}}; }

using grammar::trim_ows;

constexpr bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Calls fn(element) for each comma-separated element, trimmed (RFC 9110 §5.6.1).
// fn returns false to stop early; for_each_element then returns false too.
template <typename Fn>
constexpr bool for_each_element(std::string_view list, Fn&& fn) {
    for (;;) {
        const auto comma = list.find(',');
        if (!fn(trim_ows(list.substr(0, comma)))) return false;
        if (comma == std::string_view::npos) return true;
        list.remove_prefix(comma + 1);
    }
}

// 1*DIGIT without sign, space or overflow; anything else is framing we cannot trust.
constexpr bool parse_u64(std::string_view s, std::uint64_t& v) {
    if (s.empty()) return false;
    std::uint64_t r = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        const auto d = static_cast<std::uint64_t>(c - '0');
        if (r > (std::numeric_limits<std::uint64_t>::max() - d) / 10) return false;
        r = r * 10 + d;
    }
    v = r;
    return true;
}

// Content-Length (RFC 9112 §6.3 item 5): every value on every line must be the same number.
request_parse_result derive_content_length(request_head& h) {
    for (const auto& f : h.headers) {
        if (!iequals(f.name, "content-length")) continue;
        const bool ok = for_each_element(f.value, [&](std::string_view e) {
            std::uint64_t v = 0;
            if (!parse_u64(e, v)) return false;
            if (h.has_content_length && v != h.content_length) return false;
            h.content_length = v;
            h.has_content_length = true;
            return true;
        });
        if (!ok) return bad(400, "invalid Content-Length");
    }
    return good();
}

bool is_known_coding(std::string_view c) {
    // The registered transfer codings (RFC 9112 §7); "identity" was removed in RFC 7230.
    for (std::string_view k : {"chunked", "gzip", "x-gzip", "deflate", "compress", "x-compress"})
        if (iequals(c, k)) return true;
    return false;
}

// Transfer-Encoding (RFC 9112 §6.1, §6.3): the codings of all lines in order; chunked exactly
// once and last, or the body length is unknowable for a request.
request_parse_result derive_transfer_encoding(request_head& h) {
    bool seen = false, unknown = false, malformed = false;
    int chunked_count = 0;
    bool last_is_chunked = false;
    for (const auto& f : h.headers) {
        if (!iequals(f.name, "transfer-encoding")) continue;
        seen = true;
        for_each_element(f.value, [&](std::string_view e) {
            if (e.empty()) return true;  // empty list elements are ignored (RFC 9110 §5.6.1.2)
            const auto semi = e.find(';');
            const auto name = trim_ows(e.substr(0, semi));
            bool token = !name.empty();
            for (char c : name) token = token && is_tchar(c);
            const bool is_chunked = iequals(name, "chunked");
            // chunked has no parameters (RFC 9112 §7.1).
            if (!token || (is_chunked && semi != std::string_view::npos)) malformed = true;
            else if (!is_known_coding(name)) unknown = true;
            if (is_chunked) ++chunked_count;
            last_is_chunked = is_chunked;
            return true;
        });
    }
    if (!seen) return good();
    if (h.version_minor == 0) return bad(400, "Transfer-Encoding in HTTP/1.0 request");
    if (h.has_content_length) return bad(400, "both Content-Length and Transfer-Encoding");
    if (malformed) return bad(400, "malformed Transfer-Encoding");
    if (unknown) return bad(501, "unsupported transfer coding");
    if (!last_is_chunked || chunked_count != 1) return bad(400, "Transfer-Encoding must end in chunked");
    h.chunked = true;
    return good();
}

// A Host value or an authority: never a list, a path, a query or userinfo; those only serve
// to confuse virtual hosting and logs.
constexpr bool is_authority_char(char c) {
    return !is_ows(c) && c != ',' && c != '/' && c != '\\' && c != '?' && c != '#' && c != '@';
}

// Host (RFC 9112 §3.2): exactly one on 1.1; its value may be empty.
request_parse_result derive_host(request_head& h) {
    int count = 0;
    for (const auto& f : h.headers) {
        if (!iequals(f.name, "host")) continue;
        if (++count > 1) return bad(400, "more than one Host header");
        for (char c : f.value)
            if (!is_authority_char(c)) return bad(400, "invalid Host header");
        h.host = f.value;
    }
    if (count == 0 && h.version_minor == 1) return bad(400, "missing Host header");
    return good();
}

// The target's path and query (RFC 9112 §3.2.1, §3.2.2). An absolute-form target's
// authority replaces the Host header's value (§3.2.2: "MUST ignore the received Host").
request_parse_result derive_target(request_head& h) {
    std::string_view rest = h.target;
    // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) (RFC 3986 §3.1)
    const auto colon = rest.find("://");
    const auto scheme = rest.substr(0, colon);
    const bool absolute = colon != std::string_view::npos && !scheme.empty() && is_alpha(scheme.front()) &&
                          std::all_of(scheme.begin(), scheme.end(), [](char c) {
                              return is_alpha(c) || grammar::is_digit(c) || c == '+' || c == '-' || c == '.';
                          });
    if (absolute) {
        if (!iequals(scheme, "http") && !iequals(scheme, "https")) return bad(400, "absolute-form target is not http");
        rest.remove_prefix(colon + 3);
        const auto end = rest.find_first_of("/?#");
        const auto authority = rest.substr(0, end);
        if (authority.empty()) return bad(400, "absolute-form target without a host");
        for (char c : authority)
            if (!is_authority_char(c)) return bad(400, "invalid host in absolute-form target");
        h.host = authority;
        rest.remove_prefix(authority.size());
    }
    const auto q = rest.find('?');
    h.path = rest.substr(0, q);
    h.query = q == std::string_view::npos ? std::string_view{} : rest.substr(q);
    if (absolute && h.path.empty()) h.path = "/";
    return good();
}

// Connection (RFC 9112 §9.3) and Expect (RFC 9110 §10.1.1).
void derive_connection_and_expect(request_head& h) {
    bool close = false, keep_alive = false;
    for (const auto& f : h.headers) {
        if (iequals(f.name, "connection")) {
            for_each_element(f.value, [&](std::string_view e) {
                close = close || iequals(e, "close");
                keep_alive = keep_alive || iequals(e, "keep-alive");
                return true;
            });
        } else if (iequals(f.name, "expect") && h.version_minor == 1) {
            // A server MUST ignore 100-continue from an HTTP/1.0 client (RFC 9110 §10.1.1).
            h.expect_continue = h.expect_continue || iequals(f.value, "100-continue");
        }
    }
    h.keep_alive = !close && (h.version_minor == 1 || keep_alive);
}

void reset(request_head& h) {
    h.method = h.target = h.path = h.query = h.host = {};
    h.version_major = h.version_minor = 1;
    h.headers.count = 0;
    h.content_length = 0;
    h.has_content_length = h.chunked = h.expect_continue = false;
    h.keep_alive = true;
    h.head_size = 0;
}

// The head is complete: what its fields mean for framing, host and connection.
request_parse_result finish(request_head& out) {
    if (auto r = derive_host(out); r.status == parse_status::bad) return r;
    if (auto r = derive_target(out); r.status == parse_status::bad) return r;
    if (auto r = derive_content_length(out); r.status == parse_status::bad) return r;
    if (auto r = derive_transfer_encoding(out); r.status == parse_status::bad) return r;
    derive_connection_and_expect(out);
    return good();
}

}  // namespace

request_parse_result parse_request(std::string_view buffer, request_head& out, const request_limits& limits) {
    request_parse_state state;
    return parse_request(buffer, out, state, limits);
}

// A state machine over the bytes, in the manner of nginx's ngx_http_parse_request_line:
// every byte is examined once, and a call that runs out of bytes records where it stopped,
// so a head that arrives a byte at a time costs linear time, not quadratic.
request_parse_result parse_request(std::string_view buffer, request_head& out, request_parse_state& st,
                                   const request_limits& limits) {
    using stage = request_parse_state::stage;
    if (st.pos == 0) {
        reset(out);
        st = {};
    }
    // Only the first max_head_bytes can belong to an acceptable head; running out of them
    // is 431 rather than "incomplete", so a slow drip of header bytes cannot grow a buffer.
    const bool truncated = buffer.size() > limits.max_head_bytes;
    const std::string_view b = truncated ? buffer.substr(0, limits.max_head_bytes) : buffer;
    const std::size_t n = b.size();
    const auto span = [&](std::size_t from, std::size_t to) { return b.substr(from, to - from); };

    for (std::size_t i = st.pos; i < n; ++i) {
        const char c = b[i];
        switch (st.at) {
        // Empty lines before the request line are tolerated (RFC 9112 §2.2); CRLF or bare
        // LF ends a line, a bare CR never does.
        case stage::preamble:
            if (c == '\r') st.at = stage::preamble_lf;
            else if (c == '\n') break;
            else if (!is_tchar(c)) return bad(400, "malformed method");
            else {
                st.token = i;
                st.at = stage::method;
            }
            break;
        case stage::preamble_lf:
            if (c != '\n') return bad(400, "bare CR");
            st.at = stage::preamble;
            break;

        // request-line = method SP request-target SP HTTP-version (RFC 9112 §3), one SP each.
        case stage::method:
            if (is_tchar(c)) break;
            if (c != ' ') return bad(400, "malformed method");
            out.method = span(st.token, i);
            st.token = i + 1;
            st.at = stage::target;
            break;
        case stage::target:
            if (is_target_char(c)) {
                if (i + 1 - st.token > limits.max_target_bytes) return bad(414, "request target too long");
                break;
            }
            if (i == st.token || c != ' ') return bad(400, "malformed request target");
            out.target = span(st.token, i);
            st.token = i + 1;
            st.at = stage::version;
            break;
        // HTTP-version = "HTTP/" DIGIT "." DIGIT, case-sensitive (RFC 9112 §2.3).
        case stage::version: {
            const std::size_t k = i - st.token;
            constexpr std::string_view prefix = "HTTP/";
            if (k < prefix.size()) {
                if (c != prefix[k]) return bad(400, "malformed HTTP version");
            } else if (k == 5 || k == 7) {
                if (!grammar::is_digit(c)) return bad(400, "malformed HTTP version");
                (k == 5 ? out.version_major : out.version_minor) = c - '0';
            } else if (k == 6) {
                if (c != '.') return bad(400, "malformed HTTP version");
            } else if (c == '\r') {
                st.at = stage::request_line_lf;
            } else if (c == '\n') {
                if (out.version_major != 1 || out.version_minor > 1) return bad(505, "HTTP version not supported");
                st.at = stage::field_start;
            } else {
                return bad(400, "malformed HTTP version");
            }
            break;
        }
        case stage::request_line_lf:
            if (c != '\n') return bad(400, "bare CR");
            if (out.version_major != 1 || out.version_minor > 1) return bad(505, "HTTP version not supported");
            st.at = stage::field_start;
            break;

        // field-line = field-name ":" OWS field-value OWS (RFC 9112 §5).
        case stage::field_start:
            if (c == '\r') {
                st.at = stage::head_end_lf;
            } else if (c == '\n') {
                out.head_size = i + 1;
                return finish(out);
            } else if (is_ows(c)) {
                // obs-fold (§5.2), or whitespace between the start-line and the first
                // field (§2.2): both rejected, never unfolded.
                return bad(400, "obsolete line folding");
            } else if (!is_tchar(c)) {
                return bad(400, "empty header name");
            } else {
                st.token = i;
                st.at = stage::field_name;
            }
            break;
        case stage::field_name:
            if (is_tchar(c)) break;
            // No whitespace between name and colon (§5.1): it is how smuggling hides a header.
            if (c != ':') return bad(400, "invalid header name");
            if (out.headers.count == max_header_fields) return bad(431, "too many header fields");
            st.name_end = i;
            st.at = stage::field_ows;
            break;
        case stage::field_ows:
            if (is_ows(c)) break;
            st.value = st.value_end = i;
            st.at = stage::field_value;
            [[fallthrough]];
        case stage::field_value: {
            const auto u = static_cast<unsigned char>(c);
            if (u == '\r' || u == '\n') {
                out.headers.fields[out.headers.count++] = {span(st.token, st.name_end), span(st.value, st.value_end)};
                st.at = u == '\r' ? stage::field_lf : stage::field_start;
                break;
            }
            // field-value allows HTAB, SP, VCHAR and obs-text (RFC 9110 §5.5); CTLs never.
            if ((u < 0x20 && u != '\t') || u == 0x7f) return bad(400, "control character in header value");
            if (!is_ows(c)) st.value_end = i + 1;
            break;
        }
        case stage::field_lf:
            if (c != '\n') return bad(400, "bare CR in header value");
            st.at = stage::field_start;
            break;
        case stage::head_end_lf:
            if (c != '\n') return bad(400, "bare CR");
            out.head_size = i + 1;
            return finish(out);
        }
    }
    st.pos = n;
    if (truncated) return bad(431, "request head too large");
    return {parse_status::incomplete, 0, {}};
}

}  // namespace netlab::http
