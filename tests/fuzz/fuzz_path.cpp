// The request-target normaliser, the static server's security core, and the two escapes
// a listing relies on. Properties: a normalised path is segments joined by '/', none of
// them empty, ".", "..", or holding a separator, NUL, ':' or a control byte, every one
// valid UTF-8; normalising it again (re-encoded) gives the same path; html_escape leaves
// no markup character and unescapes back; percent_encode_path_segment leaves only
// unreserved characters and %XX, and decodes back.
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "http/path.hpp"
#include "http/url.hpp"
#include "http/utf8.hpp"

namespace {

using namespace netlab::http;

std::string html_unescape(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        bool matched = false;
        for (const auto& [entity, c] : {std::pair<std::string_view, char>{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'},
                                        {"&quot;", '"'}, {"&#39;", '\''}}) {
            if (s.substr(i).starts_with(entity)) {
                out += c;
                i += entity.size();
                matched = true;
                break;
            }
        }
        FUZZ_CHECK(matched || s[i] != '&');  // every '&' starts an entity
        if (!matched) out += s[i++];
    }
    return out;
}

void check_normalized(const normalized_path& n) {
    std::string joined;
    bool hidden = false;
    for (const auto& seg : n.segments) {
        FUZZ_CHECK(!seg.empty() && seg != "." && seg != "..");
        FUZZ_CHECK(seg.find_first_of(std::string_view("/\\:\0", 4)) == std::string::npos);
        for (const char c : seg) FUZZ_CHECK(static_cast<unsigned char>(c) >= 0x20 && c != 0x7f);
        FUZZ_CHECK(valid_utf8(seg));
        hidden = hidden || seg.front() == '.';
        if (!joined.empty()) joined += '/';
        joined += seg;
    }
    FUZZ_CHECK(n.path == joined);
    FUZZ_CHECK(n.has_dot_segment_hidden == hidden);

    // Encoded again, as a listing's link would, it names the same path.
    std::string target = "/";
    for (std::size_t i = 0; i < n.segments.size(); ++i) {
        if (i > 0) target += '/';
        target += percent_encode_path_segment(n.segments[i]);
    }
    if (n.trailing_slash && !n.segments.empty()) target += '/';
    const auto again = normalize_target(target);
    FUZZ_CHECK(again.error == path_error::none);
    FUZZ_CHECK(again.path == n.path && again.segments == n.segments);
    if (!n.segments.empty()) FUZZ_CHECK(again.trailing_slash == n.trailing_slash);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto n = normalize_target(text);
    if (n.error == path_error::none) check_normalized(n);
    else FUZZ_CHECK(n.segments.empty() && n.path.empty());

    const auto escaped = html_escape(text);
    FUZZ_CHECK(escaped.find_first_of("<>\"'") == std::string::npos);
    FUZZ_CHECK(html_unescape(escaped) == text);

    const auto encoded = percent_encode_path_segment(text);
    for (std::size_t i = 0; i < encoded.size(); ++i) {
        const char c = encoded[i];
        const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                                c == '-' || c == '.' || c == '_' || c == '~';
        FUZZ_CHECK(unreserved || c == '%');
    }
    FUZZ_CHECK(percent_decode(encoded) == std::string(text));
    return 0;
}
