#include "server/report_text.hpp"

#include "http/utf8.hpp"

namespace netlab::server {

namespace {

void append_escape(std::string& out, unsigned char c) {
    static constexpr char hex[] = "0123456789abcdef";
    out += "\\x";
    out += hex[c >> 4];
    out += hex[c & 0x0f];
}

// Appends bytes[i...] up to the next byte `keep` does not pass as it is: valid UTF-8 text
// other than controls is copied, the rest escaped. Returns the bytes consumed (at least 1).
template <typename Keep>
std::size_t append_printable(std::string& out, std::string_view bytes, std::size_t i, Keep keep) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c < 0x80) {
        if (c >= 0x20 && c != 0x7f && keep(c)) out += static_cast<char>(c);
        else append_escape(out, c);
        return 1;
    }
    const std::size_t n = http::utf8_sequence_length(bytes, i);
    // U+0080..U+009F (C1 controls) are encoded 0xC2 0x80..0x9F.
    const bool c1 = n == 2 && c == 0xc2 && static_cast<unsigned char>(bytes[i + 1]) < 0xa0;
    if (n > 0 && !c1) {
        out.append(bytes.substr(i, n));
        return n;
    }
    const std::size_t width = c1 ? 2 : 1;
    for (std::size_t k = 0; k < width; ++k) append_escape(out, static_cast<unsigned char>(bytes[i + k]));
    return width;
}

}  // namespace

std::string printable(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size());
    for (std::size_t i = 0; i < bytes.size();)
        i += append_printable(out, bytes, i, [](unsigned char c) { return c != '"' && c != '\\'; });
    return out;
}

std::string dumped_lines(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size() + bytes.size() / 16 + 2);
    bool line_start = true;
    for (std::size_t i = 0; i < bytes.size();) {
        if (line_start) out += '>';
        const bool crlf = bytes[i] == '\r' && i + 1 < bytes.size() && bytes[i + 1] == '\n';
        if (bytes[i] == '\n' || crlf) {
            out += '\n';
            i += crlf ? 2 : 1;
            line_start = true;
            continue;
        }
        if (line_start) out += ' ';
        line_start = false;
        if (bytes[i] == '\t') {
            out += '\t';
            ++i;
            continue;
        }
        i += append_printable(out, bytes, i, [](unsigned char) { return true; });
    }
    if (!line_start) out += '\n';
    return out;
}

}  // namespace netlab::server
