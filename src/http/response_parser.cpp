#include "http/response_parser.hpp"

#include "http/grammar.hpp"

namespace netlab::http {
namespace {

using grammar::is_digit;

using grammar::is_tchar;

// field-vchar / SP / HTAB, obs-text included (RFC 9110 §5.5); used for values and reasons.
constexpr bool is_text(char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c == '\t' || (c >= 0x20 && c != 0x7f);
}

using grammar::is_ows;
using grammar::trim_ows;

constexpr std::string_view err_limit_default = "response head larger than 65536 bytes";
constexpr std::string_view err_limit_other = "response head larger than the configured limit";

// Index just past the empty line that ends the head, or npos. Lines end in LF, with or
// without a CR before it.
std::size_t find_head_end(std::string_view s) {
    for (auto lf = s.find('\n'); lf != std::string_view::npos; lf = s.find('\n', lf + 1)) {
        if (lf + 1 < s.size() && s[lf + 1] == '\n') return lf + 2;
        if (lf + 2 < s.size() && s[lf + 1] == '\r' && s[lf + 2] == '\n') return lf + 3;
    }
    return std::string_view::npos;
}

// Splits off one line (without its CR LF). Returns false on a bare CR.
bool take_line(std::string_view& rest, std::string_view& line) {
    const auto lf = rest.find('\n');
    line = rest.substr(0, lf);
    rest.remove_prefix(lf == std::string_view::npos ? rest.size() : lf + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line.find('\r') == std::string_view::npos;
}

// status-line = HTTP-version SP status-code SP [ reason-phrase ]  (RFC 9112 §4)
// The SP after the code is optional here: many servers send "HTTP/1.1 200".
std::string_view parse_status_line(std::string_view line, response_head& out) {
    if (line.size() < 12 || !line.starts_with("HTTP/") || !is_digit(line[5]) || line[6] != '.' ||
        !is_digit(line[7]) || line[8] != ' ')
        return "malformed status line";
    out.version_major = line[5] - '0';
    out.version_minor = line[7] - '0';
    if (out.version_major != 1) return "unsupported HTTP version (expected HTTP/1.x)";
    if (!is_digit(line[9]) || !is_digit(line[10]) || !is_digit(line[11]))
        return "malformed status code";
    out.status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
    if (out.status < 100 || out.status > 599) return "status code outside 100-599";
    auto rest = line.substr(12);
    if (!rest.empty()) {
        if (rest.front() != ' ') return "malformed status code";
        rest.remove_prefix(1);
        for (const char c : rest)
            if (!is_text(c)) return "control character in reason phrase";
    }
    out.reason = rest;
    return {};
}

// field-line = field-name ":" OWS field-value OWS  (RFC 9112 §5)
std::string_view parse_field_line(std::string_view line, header_list& headers) {
    if (is_ows(line.front())) return "obsolete line folding in response head";
    std::size_t colon = 0;
    while (colon < line.size() && is_tchar(line[colon])) ++colon;
    if (colon == line.size()) return "header line without a colon";
    if (line[colon] != ':') return "invalid character in header name";
    if (colon == 0) return "empty header name";
    const auto value = trim_ows(line.substr(colon + 1));
    for (const char c : value)
        if (!is_text(c)) return "control character in header value";
    if (headers.count == max_header_fields) return "too many header fields (more than 100)";
    headers.fields[headers.count++] = header_field{line.substr(0, colon), value};
    return {};
}

// Calls f(element) for each non-empty element of a comma-separated list (RFC 9110 §5.6.1).
template <class F>
void for_each_element(std::string_view value, F&& f) {
    while (true) {
        const auto comma = value.find(',');
        const auto element = trim_ows(value.substr(0, comma));
        if (!element.empty()) f(element);
        if (comma == std::string_view::npos) return;
        value.remove_prefix(comma + 1);
    }
}

framing_result framed(body_framing f, std::uint64_t length = 0) { return {f, length, false, {}}; }

// Faulty framing: the body cannot be delimited, so nothing after it can be trusted.
framing_result faulty(std::string_view why) { return {body_framing::until_close, 0, true, why}; }

}  // namespace

response_parse_result parse_response(std::string_view buffer, response_head& out,
                                     const response_limits& limits) {
    out.version_major = 1;
    out.version_minor = 1;
    out.status = 0;
    out.reason = {};
    out.headers.count = 0;
    out.head_size = 0;

    constexpr std::string_view prefix = "HTTP/";
    const auto n = buffer.size() < prefix.size() ? buffer.size() : prefix.size();
    if (buffer.substr(0, n) != prefix.substr(0, n))
        return {parse_status::bad, "response does not start with HTTP/"};

    const auto window = buffer.substr(0, limits.max_head_bytes);
    const auto end = find_head_end(window);
    if (end == std::string_view::npos) {
        // Fail early on a broken status line rather than wait for the rest of the head.
        const auto lf = window.find('\n');
        if (lf != std::string_view::npos) {
            auto rest = window;
            std::string_view line;
            if (!take_line(rest, line)) return {parse_status::bad, "bare CR in response head"};
            if (const auto err = parse_status_line(line, out); !err.empty())
                return {parse_status::bad, err};
        }
        if (buffer.size() >= limits.max_head_bytes)
            return {parse_status::bad,
                    limits.max_head_bytes == 64 * 1024 ? err_limit_default : err_limit_other};
        return {parse_status::incomplete, {}};
    }

    auto rest = window.substr(0, end);
    std::string_view line;
    if (!take_line(rest, line)) return {parse_status::bad, "bare CR in response head"};
    if (const auto err = parse_status_line(line, out); !err.empty()) return {parse_status::bad, err};
    while (true) {
        if (!take_line(rest, line)) return {parse_status::bad, "bare CR in response head"};
        if (line.empty()) break;
        if (const auto err = parse_field_line(line, out.headers); !err.empty())
            return {parse_status::bad, err};
    }
    out.head_size = end;
    return {parse_status::complete, {}};
}

framing_result body_framing_for(std::string_view request_method, const response_head& head) {
    if (request_method == "HEAD" || head.status / 100 == 1 || head.status == 204 || head.status == 304)
        return framed(body_framing::none);

    bool has_te = false;
    int chunked_count = 0;
    std::string_view final_coding;
    for (const auto& f : head.headers) {
        if (!iequals(f.name, "Transfer-Encoding")) continue;
        has_te = true;
        for_each_element(f.value, [&](std::string_view element) {
            // A coding may carry parameters ("gzip;q=..."); only its name matters here.
            final_coding = trim_ows(element.substr(0, element.find(';')));
            if (iequals(final_coding, "chunked")) ++chunked_count;
        });
    }
    if (has_te) {
        if (head.version_minor == 0)
            return faulty("Transfer-Encoding in an HTTP/1.0 response");
        if (final_coding.empty())
            return faulty("empty Transfer-Encoding");
        if (chunked_count > 1)
            return faulty("chunked applied more than once");
        if (iequals(final_coding, "chunked")) return framed(body_framing::chunked);
        return framed(body_framing::until_close);  // §6.3 item 4: chunked not final
    }

    bool has_length = false;
    std::uint64_t length = 0;
    std::string_view error;
    for (const auto& f : head.headers) {
        if (!iequals(f.name, "Content-Length")) continue;
        if (trim_ows(f.value).empty()) return faulty("empty Content-Length");
        for_each_element(f.value, [&](std::string_view element) {
            std::uint64_t v = 0;
            for (const char c : element) {
                if (!is_digit(c)) {
                    error = "invalid Content-Length";
                    return;
                }
                const auto d = static_cast<std::uint64_t>(c - '0');
                if (v > (UINT64_MAX - d) / 10) {
                    error = "Content-Length too large";
                    return;
                }
                v = v * 10 + d;
            }
            if (has_length && v != length) error = "conflicting Content-Length values";
            has_length = true;
            length = v;
        });
        if (!error.empty()) return faulty(error);
    }
    if (has_length) return framed(body_framing::content_length, length);
    return framed(body_framing::until_close);
}

bool response_keeps_alive(const response_head& head) {
    bool close = false, keep_alive = false;
    for (const auto& f : head.headers) {
        if (!iequals(f.name, "Connection")) continue;
        for_each_element(f.value, [&](std::string_view token) {
            if (iequals(token, "close")) close = true;
            if (iequals(token, "keep-alive")) keep_alive = true;
        });
    }
    if (close) return false;
    return head.version_minor >= 1 || keep_alive;
}

}  // namespace netlab::http
