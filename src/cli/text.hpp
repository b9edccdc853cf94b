// Bytes from the network made safe to show: UTF-8 checked once (RFC 3629), control bytes
// escaped so that nothing a peer sends can move the cursor, recolour or reorder a
// terminal; hex in the two forms people read (hexdump -C lines) and parse (plain).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace netlab::cli {

// Length of the valid UTF-8 sequence at s[i], or 0 if it is not valid (RFC 3629: no
// overlongs, no surrogates, nothing above U+10FFFF).
std::size_t utf8_sequence(std::string_view s, std::size_t i);

// Printable ASCII and valid UTF-8 as they are; backslash, \n \r \t \0 as C escapes;
// other control bytes (C0, DEL, C1), the bidirectional controls (U+061C, U+200E/F,
// U+202A..U+202E, U+2066..U+2069), the line and paragraph separators (U+2028/9) and
// bytes that are not UTF-8 as \xHH. The result never holds a control character.
std::string escaped_text(std::span<const std::byte> bytes);

// hexdump -C: "00000000  48 65 6c 6c 6f 0a  ...  |Hello.|", one line per 16 bytes, no
// trailing newline.
std::string hex_dump(std::span<const std::byte> bytes);

// "48656c6c6f0a".
std::string hex_string(std::span<const std::byte> bytes);

// "1,234,567": a count as people read it, thousands grouped by commas.
std::string grouped(std::uint64_t n);

// "1 request", "2 requests", "1,024 requests"; `plural` is `singular` + "s" unless given.
std::string count_of(std::uint64_t n, std::string_view singular, std::string_view plural = {});

// Words wrapped to lines of at most `width` columns (a longer word stands alone), each
// line starting with `indent`; the text's own line breaks are kept. For prose such as
// demux-demo's narration.
std::string wrap(std::string_view text, std::size_t width, std::string_view indent = {});

}  // namespace netlab::cli
