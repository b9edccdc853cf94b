// Types shared by the request and response parsers. Parsers never allocate on the
// hot path: they return views into the caller's buffer and fill fixed-size arrays.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace netlab::http {

// What a parser says about the bytes it was given (picohttpparser's contract):
// a whole head was found, more bytes are needed, or the bytes can never be valid.
enum class parse_status { complete, incomplete, bad };

struct header_field {
    std::string_view name;   // as sent (case preserved); compare with iequals()
    std::string_view value;  // leading/trailing optional whitespace removed
};

// A fixed-capacity list of header fields; views point into the parsed buffer.
inline constexpr std::size_t max_header_fields = 100;

struct header_list {
    std::array<header_field, max_header_fields> fields{};
    std::size_t count = 0;

    const header_field* begin() const { return fields.data(); }
    const header_field* end() const { return fields.data() + count; }
    bool empty() const { return count == 0; }
    std::size_t size() const { return count; }
};

// ASCII case-insensitive comparison, the rule for header names (RFC 9110 §5.1).
constexpr bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

// First field with that name, or nullptr.
inline const header_field* find_header(const header_list& h, std::string_view name) {
    for (const auto& f : h)
        if (iequals(f.name, name)) return &f;
    return nullptr;
}

}  // namespace netlab::http
