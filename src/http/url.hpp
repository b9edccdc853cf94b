// URLs for the `get` client: parsing what the user typed, and resolving a redirect's
// Location against the URL it came from (RFC 3986). Pure: no I/O, no name resolution.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace netlab::http {

enum class url_error { none, empty, unsupported_scheme, malformed, bad_port, bad_host };

struct url {
    std::string scheme;      // lower-cased: "http" or "https"
    std::string userinfo;    // raw (percent-encoding as given), without the '@'
    std::string host;        // IPv6 literal without brackets ("::1"); reg-name lower-cased
    bool host_is_ipv6_literal = false;
    std::uint16_t port = 80;  // the scheme's default_port when none is given
    bool port_given = false;
    std::string target;      // path + ("?" query); "/" if empty; fragment dropped

    // The Host header value (RFC 9110 §7.2): the port only when it is not the scheme's default,
    // IPv6 literals in brackets as RFC 3986 §3.2.2 requires ("[::1]:8080").
    std::string authority_for_host_header() const;

    // "scheme://authority/target" without userinfo, so it is safe to print and log.
    std::string to_string() const;
};

struct url_result {
    url_error error = url_error::none;
    std::string message;     // one line naming what was wrong; empty when error == none
    url value;
};

// Parses a URL as typed on the command line. Like curl, a missing "scheme://" means
// http ("127.0.0.1:8080/x" works). Rejects spaces and control characters anywhere, so a
// hostile value can never smuggle CR/LF into a request line. Dot segments are removed
// from the path (RFC 3986 §5.2.4, as curl does); bytes >= 0x80 in path or query are
// percent-encoded (RFC 3986 §2.1); existing %XX are kept as given.
url_result parse_url(std::string_view text);

// 443 for https, 80 for http (and anything else).
std::uint16_t default_port(std::string_view scheme);

// Resolves a redirect Location against the URL that was fetched (RFC 3986 §5.2.2,
// RFC 9110 §10.2.2): absolute "http://h/p", scheme-relative "//h/p", absolute path "/p",
// relative path "a/b" (merged, dot segments removed), query-only "?q". A fragment is
// dropped. An empty Location is an error (empty), not "the same resource".
url_result resolve_reference(const url& base, std::string_view location);

// Decodes %XX escapes (RFC 3986 §2.1), e.g. userinfo before it becomes Basic
// credentials. '+' is left alone (that rule is HTML forms', not URIs'). nullopt when a
// '%' is not followed by two hex digits.
std::optional<std::string> percent_decode(std::string_view text);

// Standard base64 with padding (RFC 4648 §4), for "Authorization: Basic" (RFC 7617).
std::string base64_encode(std::string_view bytes);

}  // namespace netlab::http
