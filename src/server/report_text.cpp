#include "server/report_text.hpp"

#include "http/utf8.hpp"

namespace netlab::server {

std::string count_of(std::uint64_t n, std::string_view singular, std::string_view plural) {
    std::string out = std::to_string(n);
    out += ' ';
    if (n == 1) {
        out += singular;
    } else if (plural.empty()) {
        out += singular;
        out += 's';
    } else {
        out += plural;
    }
    return out;
}

std::string printable(std::string_view bytes, bool multiline) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size());
    const auto escape_byte = [&](unsigned char c) {
        out += "\\x";
        out += hex[c >> 4];
        out += hex[c & 0x0f];
    };
    for (std::size_t i = 0; i < bytes.size();) {
        const auto c = static_cast<unsigned char>(bytes[i]);
        if (c >= 0x20 && c < 0x7f) {
            out += static_cast<char>(c);
            ++i;
            continue;
        }
        if (multiline && (c == '\n' || c == '\t')) {
            out += static_cast<char>(c);
            ++i;
            continue;
        }
        if (multiline && c == '\r' && i + 1 < bytes.size() && bytes[i + 1] == '\n') {
            ++i;  // CRLF shows as a line end
            continue;
        }
        const std::size_t n = c >= 0x80 ? http::utf8_sequence_length(bytes, i) : 0;
        // U+0080..U+009F (C1 controls) are encoded 0xC2 0x80..0x9F.
        const bool c1 = n == 2 && c == 0xc2 && static_cast<unsigned char>(bytes[i + 1]) < 0xa0;
        if (n > 0 && !c1) {
            out.append(bytes.substr(i, n));
            i += n;
            continue;
        }
        const std::size_t width = c1 ? 2 : 1;
        for (std::size_t k = 0; k < width; ++k) {
            switch (const auto b = static_cast<unsigned char>(bytes[i + k])) {
                case '\n': out += "\\n"; break;
                case '\r': out += "\\r"; break;
                case '\t': out += "\\t"; break;
                default: escape_byte(b);
            }
        }
        i += width;
    }
    return out;
}

}  // namespace netlab::server
