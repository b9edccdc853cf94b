// URLs as typed and redirect Locations resolved against them. Properties: a parsed URL is
// http with a host, a port and a target that starts with '/' and is visible ASCII with
// no dot segments; printed with to_string() it parses back to the same value, and that
// print is a fixed point; a resolved Location has the same properties; percent_decode
// and base64_encode keep their sizes (and base64 decodes back).
// Input: one mode byte; mode 1 splits the rest into a base URL and a Location.
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "http/url.hpp"

namespace {

using namespace netlab::http;

void check_url(const url& u) {
    FUZZ_CHECK(u.scheme == "http" || u.scheme == "https");
    FUZZ_CHECK(!u.host.empty() && u.port != 0);
    for (const char c : u.host) FUZZ_CHECK(!(c >= 'A' && c <= 'Z') && c != '/' && c != '@' && c != '[');
    FUZZ_CHECK(u.target.starts_with('/'));
    for (const char c : u.target) FUZZ_CHECK(c > 0x20 && c < 0x7f && c != '#');
    // RFC 3986 §5.2.4: no "." or ".." segment is left in the path.
    const std::string_view path = std::string_view(u.target).substr(0, u.target.find('?'));
    for (std::size_t i = 0; i < path.size();) {
        const auto next = path.find('/', i + 1);
        const auto seg = path.substr(i + 1, next == std::string_view::npos ? std::string_view::npos : next - i - 1);
        FUZZ_CHECK(seg != "." && seg != "..");
        if (next == std::string_view::npos) break;
        i = next;
    }

    const std::string printed = u.to_string();
    const auto again = parse_url(printed);
    FUZZ_CHECK(again.error == url_error::none);
    FUZZ_CHECK(again.value.host == u.host && again.value.port == u.port && again.value.target == u.target &&
               again.value.host_is_ipv6_literal == u.host_is_ipv6_literal);
    FUZZ_CHECK(again.value.to_string() == printed);
    FUZZ_CHECK(u.authority_for_host_header().find_first_of("/@ \r\n") == std::string::npos);
}

std::string base64_decode(std::string_view text) {
    const auto value = [](char c) -> std::uint32_t {
        if (c >= 'A' && c <= 'Z') return static_cast<std::uint32_t>(c - 'A');
        if (c >= 'a' && c <= 'z') return static_cast<std::uint32_t>(c - 'a' + 26);
        if (c >= '0' && c <= '9') return static_cast<std::uint32_t>(c - '0' + 52);
        return c == '+' ? 62u : 63u;
    };
    std::string out;
    for (std::size_t i = 0; i + 4 <= text.size(); i += 4) {
        const std::uint32_t v = value(text[i]) << 18 | value(text[i + 1]) << 12 |
                                (text[i + 2] == '=' ? 0 : value(text[i + 2]) << 6) | (text[i + 3] == '=' ? 0 : value(text[i + 3]));
        out += static_cast<char>(v >> 16);
        if (text[i + 2] != '=') out += static_cast<char>((v >> 8) & 0xff);
        if (text[i + 3] != '=') out += static_cast<char>(v & 0xff);
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    netlab::fuzz::input in(data, size);
    const std::uint8_t mode = in.byte();
    if (mode % 2 == 0) {
        const auto text = in.rest();
        const auto r = parse_url(text);
        if (r.error == url_error::none) check_url(r.value);
        else FUZZ_CHECK(!r.message.empty() && r.message.find('\n') == std::string::npos);

        if (const auto decoded = percent_decode(text)) FUZZ_CHECK(decoded->size() <= text.size());
        const auto b64 = base64_encode(text);
        FUZZ_CHECK(b64.size() == (text.size() + 2) / 3 * 4);
        FUZZ_CHECK(base64_decode(b64) == text);
    } else {
        const auto base_text = in.bytes(200);
        const auto location = in.rest();
        const auto base = parse_url(base_text);
        if (base.error != url_error::none) return 0;
        const auto r = resolve_reference(base.value, location);
        if (r.error == url_error::none) check_url(r.value);
        else FUZZ_CHECK(!r.message.empty() && r.message.find('\n') == std::string::npos);
    }
    return 0;
}
