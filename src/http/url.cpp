#include "http/url.hpp"

#include "http/grammar.hpp"

#include <cstddef>
#include <utility>

namespace netlab::http {
namespace {

constexpr bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
using grammar::is_digit;
constexpr bool is_hex(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
constexpr char to_lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
constexpr bool is_scheme_char(char c) {
    return is_alpha(c) || is_digit(c) || c == '+' || c == '-' || c == '.';
}
constexpr bool is_unreserved(char c) {  // RFC 3986 §2.3
    return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}
constexpr bool is_sub_delim(char c) {  // RFC 3986 §2.2
    switch (c) {
    case '!': case '$': case '&': case '\'': case '(': case ')':
    case '*': case '+': case ',': case ';': case '=':
        return true;
    default:
        return false;
    }
}
using grammar::hex_value;

std::string lowered(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = to_lower(c);
    return out;
}

// Quotes a piece of (possibly hostile) input for an error message: printable ASCII
// only, bounded, so the message stays one short line.
std::string quoted(std::string_view s) {
    constexpr std::size_t max_shown = 60;
    std::string out = "'";
    for (std::size_t i = 0; i < s.size() && i < max_shown; ++i) {
        const char c = s[i];
        out += (c >= 0x20 && c < 0x7f) ? c : '?';
    }
    if (s.size() > max_shown) out += "...";
    out += '\'';
    return out;
}

url_result fail(url_error e, std::string message, url partial = {}) {
    return url_result{e, std::move(message), std::move(partial)};
}

// Whole-input check before any splitting: a space or control byte can never be part of
// a URL we send (RFC 3986 §2), and CR/LF would let a Location header inject lines.
std::optional<url_result> check_characters(std::string_view text) {
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == ' ') return fail(url_error::malformed, "URL contains a space (encode it as %20)");
        if (c < 0x20 || c == 0x7f) {
            constexpr char digits[] = "0123456789abcdef";
            std::string msg = "URL contains a control character (0x";
            msg += digits[c >> 4];
            msg += digits[c & 0xf];
            msg += ')';
            return fail(url_error::malformed, std::move(msg));
        }
    }
    return std::nullopt;
}

// RFC 3986 §5.2.4, on a path that starts with '/' (or is empty).
std::string remove_dot_segments(std::string_view in) {
    std::string out;
    auto drop_last_segment = [&out] {
        const auto slash = out.rfind('/');
        out.erase(slash == std::string::npos ? 0 : slash);
    };
    while (!in.empty()) {
        if (in.starts_with("../")) {
            in.remove_prefix(3);
        } else if (in.starts_with("./") || in.starts_with("/./")) {  // "/./" leaves its "/"
            in.remove_prefix(2);
        } else if (in == "/.") {
            out += '/';
            break;
        } else if (in.starts_with("/../")) {
            in.remove_prefix(3);
            drop_last_segment();
        } else if (in == "/..") {
            drop_last_segment();
            out += '/';
            break;
        } else if (in == "." || in == "..") {
            break;
        } else {
            const auto next = in.find('/', 1);
            const auto seg = in.substr(0, next);
            out += seg;
            in.remove_prefix(seg.size());
        }
    }
    return out;
}

// Appends s, percent-encoding bytes >= 0x80 (raw UTF-8 in a Location) so the request
// line stays ASCII; every other byte was already checked and is kept as given.
void append_encoding_non_ascii(std::string& out, std::string_view s) {
    constexpr char digits[] = "0123456789ABCDEF";
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 0x80) {
            out += '%';
            out += digits[c >> 4];
            out += digits[c & 0xf];
        } else {
            out += ch;
        }
    }
}

// path ["?" query] (no fragment) -> request target, "/" for an empty path.
std::string make_target(std::string_view path_and_query) {
    const auto q = path_and_query.find('?');
    const auto path = path_and_query.substr(0, q);
    std::string target;
    if (path.empty()) {
        target = "/";
    } else {
        target = remove_dot_segments(path);
        if (target.empty()) target = "/";
    }
    std::string out;
    append_encoding_non_ascii(out, target);
    if (q != std::string_view::npos) append_encoding_non_ascii(out, path_and_query.substr(q));
    return out;
}

bool valid_ipv4(std::string_view s) {
    int parts = 0;
    std::size_t i = 0;
    while (true) {
        std::size_t start = i;
        int value = 0;
        while (i < s.size() && is_digit(s[i]) && i - start < 3) value = value * 10 + (s[i++] - '0');
        if (i == start || value > 255) return false;
        ++parts;
        if (i == s.size()) return parts == 4;
        if (s[i] != '.' || parts == 4) return false;
        ++i;
    }
}

// RFC 4291 §2.2 text forms, including "::" compression and a trailing dotted quad.
// Zone identifiers (RFC 6874) are not supported.
bool valid_ipv6(std::string_view s) {
    const std::size_t n = s.size();
    std::size_t i = 0;
    int groups = 0;
    bool compressed = false;
    if (s.starts_with("::")) {
        compressed = true;
        i = 2;
        if (i == n) return true;
    }
    while (true) {
        const std::size_t start = i;
        while (i < n && is_hex(s[i])) ++i;
        if (i < n && s[i] == '.') {
            if (!valid_ipv4(s.substr(start))) return false;
            groups += 2;
            break;
        }
        const std::size_t len = i - start;
        if (len == 0 || len > 4) return false;
        ++groups;
        if (i == n) break;
        if (s[i] != ':') return false;
        ++i;
        if (i < n && s[i] == ':') {
            if (compressed) return false;
            compressed = true;
            ++i;
            if (i == n) break;
        } else if (i == n) {
            return false;
        }
    }
    return compressed ? groups <= 7 : groups == 8;
}

// A host name we can hand to DNS: letters, digits, '-', '_', '.', no empty labels
// except one trailing dot (the root), at most 253 characters (RFC 1035 §2.3.4).
std::optional<url_result> check_reg_name(std::string_view host) {
    if (host.empty()) return fail(url_error::bad_host, "URL has no host");
    for (const char c : host) {
        if (!(is_alpha(c) || is_digit(c) || c == '-' || c == '_' || c == '.'))
            return fail(url_error::bad_host,
                        "invalid character " + quoted(std::string_view(&c, 1)) + " in host " + quoted(host));
    }
    const auto name = host.ends_with('.') ? host.substr(0, host.size() - 1) : host;
    if (name.empty() || name.starts_with('.') || name.find("..") != std::string_view::npos)
        return fail(url_error::bad_host, "empty label in host " + quoted(host));
    if (name.size() > 253) return fail(url_error::bad_host, "host name longer than 253 characters");
    return std::nullopt;
}

std::optional<url_result> parse_port(std::string_view digits, url& u) {
    if (digits.empty()) return std::nullopt;  // "host:" means the default (RFC 3986 §3.2.3)
    std::uint32_t value = 0;
    for (const char c : digits) {
        if (!is_digit(c) || value > 65535) {
            value = 0;
            break;
        }
        value = value * 10 + static_cast<std::uint32_t>(c - '0');
    }
    if (value == 0 || value > 65535)
        return fail(url_error::bad_port, "port " + quoted(digits) + " is not a number from 1 to 65535");
    u.port = static_cast<std::uint16_t>(value);
    u.port_given = true;
    return std::nullopt;
}

// authority = [ userinfo "@" ] host [ ":" port ]  (RFC 3986 §3.2)
std::optional<url_result> parse_authority(std::string_view auth, url& u) {
    // The last '@' separates: browsers and curl accept an unencoded '@' in a password.
    const auto at = auth.rfind('@');
    if (at != std::string_view::npos) {
        const auto info = auth.substr(0, at);
        for (const char c : info) {
            if (!(is_unreserved(c) || is_sub_delim(c) || c == ':' || c == '%' || c == '@'))
                return fail(url_error::malformed,
                            "invalid character " + quoted(std::string_view(&c, 1)) + " in user info");
        }
        u.userinfo = std::string(info);
        auth.remove_prefix(at + 1);
    }
    if (auth.empty()) return fail(url_error::bad_host, "URL has no host");

    std::string_view port_text;
    if (auth.front() == '[') {
        const auto close = auth.find(']');
        if (close == std::string_view::npos)
            return fail(url_error::bad_host, "IPv6 address " + quoted(auth) + " has no closing ']'");
        const auto literal = auth.substr(1, close - 1);
        if (!valid_ipv6(literal))
            return fail(url_error::bad_host, "invalid IPv6 address " + quoted(literal));
        const auto rest = auth.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':')
                return fail(url_error::bad_host, "unexpected " + quoted(rest) + " after IPv6 address");
            port_text = rest.substr(1);
        }
        u.host = lowered(literal);
        u.host_is_ipv6_literal = true;
    } else {
        const auto colon = auth.find(':');
        const auto host = auth.substr(0, colon);
        if (colon != std::string_view::npos) {
            port_text = auth.substr(colon + 1);
            if (port_text.find(':') != std::string_view::npos)
                return fail(url_error::bad_host,
                            "host " + quoted(auth) + " has several ':' (put an IPv6 address in [ ])");
        }
        if (auto err = check_reg_name(host)) return err;
        u.host = lowered(host);
    }
    return parse_port(port_text, u);
}

// scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )  (RFC 3986 §3.1); returns its length.
std::size_t scheme_length(std::string_view s) {
    if (s.empty() || !is_alpha(s.front())) return 0;
    std::size_t i = 1;
    while (i < s.size() && is_scheme_char(s[i])) ++i;
    return i;
}

url_result unsupported(std::string scheme) {
    url partial;
    partial.scheme = std::move(scheme);
    std::string msg = "unsupported scheme " + quoted(partial.scheme) + ": only http:// and https:// are supported";
    return fail(url_error::unsupported_scheme, std::move(msg), std::move(partial));
}

bool is_supported_scheme(std::string_view scheme) { return scheme == "http" || scheme == "https"; }

// "scheme:" not followed by "//": http(s) needs an authority, anything else is unsupported.
url_result scheme_without_slashes(std::string scheme) {
    if (is_supported_scheme(scheme)) return fail(url_error::malformed, "expected '//' after '" + scheme + ":'");
    return unsupported(std::move(scheme));
}

}  // namespace

std::uint16_t default_port(std::string_view scheme) { return scheme == "https" ? 443 : 80; }

std::string url::authority_for_host_header() const {
    std::string out = host_is_ipv6_literal ? "[" + host + "]" : host;
    if (port != default_port(scheme)) out += ":" + std::to_string(port);
    return out;
}

std::string url::to_string() const {
    return (scheme.empty() ? std::string("http") : scheme) + "://" + authority_for_host_header() + target;
}

url_result parse_url(std::string_view text) {
    if (text.empty()) return fail(url_error::empty, "URL is empty");
    if (auto err = check_characters(text)) return std::move(*err);

    url u;
    std::string_view rest = text;
    const auto slen = scheme_length(text);
    if (slen > 0 && text.substr(slen).starts_with("://")) {
        u.scheme = lowered(text.substr(0, slen));
        if (!is_supported_scheme(u.scheme)) return unsupported(std::move(u.scheme));
        u.port = default_port(u.scheme);
        rest.remove_prefix(slen + 3);
    } else if (text.starts_with("://")) {
        return fail(url_error::malformed, "URL has '://' but no scheme before it");
    } else {
        u.scheme = "http";
        // "https:/x" or "ftp:x" is a scheme missing its "//", not host "https" with a
        // port; but "host:8080" and "user:pw@host" are scheme-less authorities.
        const auto end = text.find_first_of("/?#");
        const auto head = text.substr(0, end);
        if (slen > 0 && slen + 1 < text.size() && text[slen] == ':' && !is_digit(text[slen + 1]) &&
            head.find('@') == std::string_view::npos)
            return scheme_without_slashes(lowered(text.substr(0, slen)));
    }

    const auto auth_end = rest.find_first_of("/?#");
    if (auto err = parse_authority(rest.substr(0, auth_end), u)) return std::move(*err);
    auto path_and_query = auth_end == std::string_view::npos ? std::string_view{} : rest.substr(auth_end);
    path_and_query = path_and_query.substr(0, path_and_query.find('#'));
    u.target = make_target(path_and_query);
    return url_result{url_error::none, {}, std::move(u)};
}

url_result resolve_reference(const url& base, std::string_view location) {
    if (location.empty()) return fail(url_error::empty, "Location is empty");
    if (auto err = check_characters(location)) return std::move(*err);

    // A reference with a scheme is absolute (RFC 3986 §4.3); note this makes "a:b" a
    // URL with scheme "a", exactly as §4.2 says a relative path must avoid.
    const auto slen = scheme_length(location);
    if (slen > 0 && slen < location.size() && location[slen] == ':') {
        if (location.substr(slen + 1).starts_with("//")) return parse_url(location);
        return scheme_without_slashes(lowered(location.substr(0, slen)));
    }
    const std::string base_scheme = base.scheme.empty() ? std::string("http") : base.scheme;
    if (location.starts_with("//")) return parse_url(base_scheme + ":" + std::string(location));

    // Same authority as the base; only the target changes (§5.2.2, §5.2.3).
    const auto ref = location.substr(0, location.find('#'));
    const auto q = ref.find('?');
    const auto ref_path = ref.substr(0, q);
    const std::string_view base_target = base.target.empty() ? std::string_view("/") : base.target;
    const auto base_q = base_target.find('?');
    const auto base_path = base_target.substr(0, base_q);

    std::string merged;
    if (ref_path.empty()) {
        merged = base_path;
        if (q != std::string_view::npos)
            merged += ref.substr(q);
        else if (base_q != std::string_view::npos)
            merged += base_target.substr(base_q);
    } else if (ref_path.front() == '/') {
        merged = ref;
    } else {
        const auto slash = base_path.rfind('/');
        merged = slash == std::string_view::npos ? "/" : std::string(base_path.substr(0, slash + 1));
        merged += ref;
    }

    url u = base;
    u.scheme = base_scheme;
    u.target = make_target(merged);
    return url_result{url_error::none, {}, std::move(u)};
}

std::optional<std::string> percent_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        if (i + 2 >= text.size() || !is_hex(text[i + 1]) || !is_hex(text[i + 2])) return std::nullopt;
        out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
        i += 2;
    }
    return out;
}

std::string base64_encode(std::string_view bytes) {
    constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    auto byte = [&bytes](std::size_t k) { return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[k])); };
    for (; i + 3 <= bytes.size(); i += 3) {
        const std::uint32_t v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
        out += alphabet[v & 63];
    }
    const std::size_t left = bytes.size() - i;
    if (left > 0) {
        const std::uint32_t v = byte(i) << 16 | (left == 2 ? byte(i + 1) << 8 : 0u);
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += left == 2 ? alphabet[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

}  // namespace netlab::http
