// Strict UTF-8 (RFC 3629 §4): no overlong forms, no surrogates, nothing above U+10FFFF.
// Overlong encodings are how "%C0%AE%C0%AE" once became ".." in other servers, so paths
// are checked with this; so is text shown to a person.
#pragma once

#include <cstddef>
#include <string_view>

namespace netlab::http {

// Length (1 to 4) of the valid UTF-8 sequence starting at s[i], or 0 if it is not valid.
constexpr std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
    const unsigned char c = byte(0);
    if (c < 0x80) return 1;
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xbf;  // allowed range of the second byte
    // The rows of RFC 3629 §4's table, in its order (two rows may share a length).
    // NOLINTBEGIN(bugprone-branch-clone)
    if (c >= 0xc2 && c <= 0xdf) len = 2;
    else if (c == 0xe0) { len = 3; lo = 0xa0; }
    else if (c >= 0xe1 && c <= 0xec) len = 3;
    else if (c == 0xed) { len = 3; hi = 0x9f; }
    else if (c >= 0xee && c <= 0xef) len = 3;
    else if (c == 0xf0) { len = 4; lo = 0x90; }
    else if (c >= 0xf1 && c <= 0xf3) len = 4;
    else if (c == 0xf4) { len = 4; hi = 0x8f; }
    else return 0;
    // NOLINTEND(bugprone-branch-clone)
    if (s.size() - i < len) return 0;
    if (byte(1) < lo || byte(1) > hi) return 0;
    for (std::size_t k = 2; k < len; ++k)
        if (byte(k) < 0x80 || byte(k) > 0xbf) return 0;
    return len;
}

constexpr bool valid_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t n = utf8_sequence_length(s, i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

}  // namespace netlab::http
