#include "cli/text.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace netlab::cli {

std::size_t utf8_sequence(std::string_view s, std::size_t i) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
    const unsigned char c = b(0);
    std::size_t n = 0;
    if (c >= 0xC2 && c <= 0xDF) n = 2;
    else if (c >= 0xE0 && c <= 0xEF) n = 3;
    else if (c >= 0xF0 && c <= 0xF4) n = 4;
    else return 0;
    if (i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k)
        if ((b(k) & 0xC0) != 0x80) return 0;
    if (c == 0xE0 && b(1) < 0xA0) return 0;  // overlong
    if (c == 0xED && b(1) > 0x9F) return 0;  // surrogate
    if (c == 0xF0 && b(1) < 0x90) return 0;  // overlong
    if (c == 0xF4 && b(1) > 0x8F) return 0;  // above U+10FFFF
    return n;
}

namespace {

// C1 controls (U+0080..U+009F); Unicode's Bidi_Control characters (U+061C, U+200E,
// U+200F, U+202A..U+202E, U+2066..U+2069), which reorder what a terminal shows (the
// "Trojan Source" attack, CVE-2021-42574); and the line and paragraph separators
// (U+2028, U+2029), which some terminals and viewers take as line breaks.
bool unsafe_sequence(std::string_view seq) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(seq[k]); };
    if (seq.size() == 2) return (b(0) == 0xC2 && b(1) < 0xA0) || (b(0) == 0xD8 && b(1) == 0x9C);
    if (seq.size() == 3 && b(0) == 0xE2)
        return (b(1) == 0x80 && (b(2) == 0x8E || b(2) == 0x8F || (b(2) >= 0xA8 && b(2) <= 0xAE))) ||
               (b(1) == 0x81 && b(2) >= 0xA6 && b(2) <= 0xA9);
    return false;
}

}  // namespace

std::string escaped_text(std::span<const std::byte> bytes) {
    const std::string_view s(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            switch (c) {
                case '\\': out += "\\\\"; break;
                case '\n': out += "\\n"; break;
                case '\r': out += "\\r"; break;
                case '\t': out += "\\t"; break;
                case '\0': out += "\\0"; break;
                default:
                    if (c < 0x20 || c == 0x7F) out += fmt::format("\\x{:02x}", c);
                    else out += static_cast<char>(c);
            }
            ++i;
            continue;
        }
        const std::size_t n = utf8_sequence(s, i);
        if (n > 0 && !unsafe_sequence(s.substr(i, n))) {
            out.append(s.substr(i, n));
            i += n;
            continue;
        }
        for (std::size_t k = 0; k < (n > 0 ? n : 1); ++k) out += fmt::format("\\x{:02x}", static_cast<unsigned char>(s[i + k]));
        i += n > 0 ? n : 1;
    }
    return out;
}

std::string hex_dump(std::span<const std::byte> bytes) {
    std::string out;
    for (std::size_t line = 0; line < bytes.size(); line += 16) {
        if (line > 0) out += '\n';
        out += fmt::format("{:08x}  ", line);
        std::string ascii;
        for (std::size_t k = 0; k < 16; ++k) {
            if (k == 8) out += ' ';
            if (line + k < bytes.size()) {
                const auto c = static_cast<unsigned char>(bytes[line + k]);
                out += fmt::format("{:02x} ", c);
                ascii += c >= 0x20 && c < 0x7F ? static_cast<char>(c) : '.';
            } else {
                out += "   ";
            }
        }
        out += fmt::format(" |{}|", ascii);
    }
    return out;
}

std::string hex_string(std::span<const std::byte> bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out(bytes.size() * 2, '0');
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        const auto c = static_cast<unsigned char>(bytes[i]);
        out[2 * i] = digits[c >> 4];
        out[2 * i + 1] = digits[c & 0x0F];
    }
    return out;
}

std::string grouped(std::uint64_t n) {
    const std::string digits = std::to_string(n);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

std::string count_of(std::uint64_t n, std::string_view singular, std::string_view plural) {
    std::string out = grouped(n);
    out += ' ';
    out += n == 1 ? singular : plural.empty() ? std::string(singular) + 's' : std::string(plural);
    return out;
}

std::string wrap(std::string_view text, std::size_t width, std::string_view indent) {
    std::string out, line;
    const auto flush = [&] {
        out += std::string(indent) + line + "\n";
        line.clear();
    };
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t start = text.find_first_not_of(' ', i);
        if (start == std::string_view::npos) break;
        if (text[start] == '\n') {  // a line break of the text's own ends the line
            flush();
            i = start + 1;
            continue;
        }
        const std::size_t end = std::min(text.find_first_of(" \n", start), text.size());
        const auto word = text.substr(start, end - start);
        if (!line.empty() && indent.size() + line.size() + 1 + word.size() > width) flush();
        line += (line.empty() ? "" : " ") + std::string(word);
        i = end;
    }
    if (!line.empty()) flush();
    if (!out.empty()) out.pop_back();
    return out;
}

}  // namespace netlab::cli
