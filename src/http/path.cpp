#include "http/path.hpp"

#include "http/grammar.hpp"
#include "http/utf8.hpp"

namespace netlab::http {
namespace {

using grammar::hex_value;

// Decodes one raw segment into `out`; returns the first problem found.
path_error decode_segment(std::string_view raw, std::string& out) {
    out.clear();
    for (std::size_t i = 0; i < raw.size(); ++i) {
        char c = raw[i];
        if (c == '\\') return path_error::backslash;
        if (c == '%') {
            if (raw.size() - i < 3) return path_error::bad_encoding;
            const int h = hex_value(raw[i + 1]), l = hex_value(raw[i + 2]);
            if (h < 0 || l < 0) return path_error::bad_encoding;
            c = static_cast<char>(h * 16 + l);
            i += 2;
            if (c == '\0') return path_error::nul_byte;
            if (c == '/') return path_error::traversal;
            if (c == '\\') return path_error::backslash;
        }
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) return path_error::bad_encoding;
        out.push_back(c);
    }
    return valid_utf8(out) ? path_error::none : path_error::bad_encoding;
}

// Names of only dots and spaces holding two or more dots ("...", ".. ", ". ."): Win32 trims
// trailing dots and spaces from names, so some of these may reach the OS as "..". No real
// file needs such a name; refusing them is cheaper than proving each one harmless.
bool dot_dot_lookalike(std::string_view s) {
    std::size_t dots = 0;
    for (char c : s) {
        if (c == '.') ++dots;
        else if (c != ' ') return false;
    }
    return dots >= 2;
}

}  // namespace

normalized_path normalize_target(std::string_view target) {
    normalized_path result;
    const auto fail = [](path_error e) {
        normalized_path f;
        f.error = e;
        return f;
    };
    if (target.empty() || target.front() != '/') return fail(path_error::not_origin_form);
    std::string_view rest = target.substr(0, target.find_first_of("?#"));
    result.trailing_slash = rest.back() == '/';

    auto& segments = result.segments;
    std::string segment;
    while (!rest.empty()) {
        rest.remove_prefix(1);  // the '/' before this segment
        const auto slash = rest.find('/');
        const auto raw = rest.substr(0, slash);
        rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);

        if (const auto e = decode_segment(raw, segment); e != path_error::none) return fail(e);
        if (segment.empty()) continue;
        // RFC 3986 §5.2.4: a final "." or ".." names the folder, so the path keeps its slash.
        if (segment == ".") {
            result.trailing_slash |= rest.empty();
            continue;
        }
        if (raw == "..") {
            if (segments.empty()) return fail(path_error::above_root);
            segments.pop_back();
            result.trailing_slash |= rest.empty();
            continue;
        }
        if (segment == ".." || dot_dot_lookalike(segment)) return fail(path_error::traversal);
        if (segment.find(':') != std::string::npos) return fail(path_error::traversal);
        segments.push_back(segment);
    }
    for (const auto& s : segments) {
        if (s.front() == '.') result.has_dot_segment_hidden = true;
        if (!result.path.empty()) result.path.push_back('/');
        result.path += s;
    }
    return result;
}

bool is_servable_name(std::string_view name) {
    const auto np = normalize_target("/" + percent_encode_path_segment(name));
    return np.error == path_error::none && np.segments.size() == 1 && np.segments.front() == name;
}

std::string percent_encode_path_segment(std::string_view raw) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(raw.size());
    for (char c : raw) {
        const auto u = static_cast<unsigned char>(c);
        const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
        if (unreserved) {
            out.push_back(c);
        } else {
            out.push_back('%');
            out.push_back(hex[u >> 4]);
            out.push_back(hex[u & 0x0f]);
        }
    }
    return out;
}

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out.push_back(c);
        }
    }
    return out;
}

}  // namespace netlab::http
