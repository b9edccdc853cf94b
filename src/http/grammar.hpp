// Character classes of the HTTP grammar, shared by the request, response and chunked
// parsers so the alphabet is written once.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace netlab::http::grammar {

namespace detail {
constexpr std::array<bool, 256> make_tchar_table() {
    std::array<bool, 256> t{};
    for (int c = '0'; c <= '9'; ++c) t[static_cast<std::size_t>(c)] = true;
    for (int c = 'a'; c <= 'z'; ++c) t[static_cast<std::size_t>(c)] = true;
    for (int c = 'A'; c <= 'Z'; ++c) t[static_cast<std::size_t>(c)] = true;
    for (char c : std::string_view("!#$%&'*+-.^_`|~")) t[static_cast<unsigned char>(c)] = true;
    return t;
}
inline constexpr auto tchar_table = make_tchar_table();
}  // namespace detail

// tchar (RFC 9110 §5.6.2): the alphabet of methods, field names and codings.
constexpr bool is_tchar(char c) { return detail::tchar_table[static_cast<unsigned char>(c)]; }

constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Optional whitespace (OWS, RFC 9110 §5.6.3).
constexpr bool is_ows(char c) { return c == ' ' || c == '\t'; }

constexpr std::string_view trim_ows(std::string_view s) {
    while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
    return s;
}

// The value of a hex digit, or -1.
constexpr int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace netlab::http::grammar
