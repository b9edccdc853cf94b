#include "http/chunked.hpp"

#include "http/grammar.hpp"

namespace netlab::http {
namespace {

using grammar::hex_value;

using grammar::is_tchar;

// Control bytes other than HTAB never belong in an extension or a field value; CR is
// handled by the caller because it may start a line end.
constexpr bool is_ctl(char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return (c < 0x20 && c != '\t') || c == 0x7f;
}

}  // namespace

bool chunked_decoder::done() const { return state_ == state::done; }
bool chunked_decoder::bad() const { return state_ == state::bad; }
std::uint64_t chunked_decoder::decoded_bytes() const { return decoded_; }
void chunked_decoder::reset() {
    const bool strict = strict_;
    *this = chunked_decoder{};
    strict_ = strict;
}

chunked_decoder::result chunked_decoder::fail(std::size_t consumed, std::string_view why) {
    state_ = state::bad;
    error_ = why;
    return {consumed, false, true, why};
}

// A zero size is the last chunk (§7.1): the trailer section follows instead of data.
void chunked_decoder::end_size_line() {
    line_bytes_ = 0;
    state_ = chunk_size_ == 0 ? state::trailer_start : state::data;
}

chunked_decoder::result chunked_decoder::feed_core(std::string_view in, sink_fn sink, void* ctx) {
    if (state_ == state::bad) return {0, false, true, error_};
    std::size_t i = 0;
    while (i < in.size() && state_ != state::done) {
        if (state_ == state::data) {
            const std::size_t avail = in.size() - i;
            const std::size_t n = chunk_size_ < avail ? static_cast<std::size_t>(chunk_size_) : avail;
            const auto piece = in.substr(i, n);
            chunk_size_ -= n;
            decoded_ += n;
            i += n;
            if (chunk_size_ == 0) state_ = state::data_cr;
            sink(ctx, piece);
            continue;
        }

        const char c = in[i];
        switch (state_) {
        case state::size_start: case state::size: case state::size_ws:
        case state::extension: case state::size_lf:
            if (++line_bytes_ > max_line_bytes) return fail(i, "chunk size line longer than 4096 bytes");
            break;
        case state::trailer_start: case state::trailer_name: case state::trailer_value:
        case state::trailer_lf: case state::final_lf:
            if (++line_bytes_ > max_line_bytes) return fail(i, "trailer line longer than 4096 bytes");
            if (++trailer_bytes_ > max_trailer_bytes)
                return fail(i, "trailer section larger than 16384 bytes");
            break;
        default:
            break;
        }

        // chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
        // chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
        switch (state_) {
        case state::size_start:
            if (hex_value(c) < 0) return fail(i, "missing chunk size");
            chunk_size_ = static_cast<std::uint64_t>(hex_value(c));
            state_ = state::size;
            break;
        case state::size:
            if (const int v = hex_value(c); v >= 0) {
                if (chunk_size_ > (UINT64_MAX >> 4)) return fail(i, "chunk size overflows 64 bits");
                chunk_size_ = chunk_size_ << 4 | static_cast<std::uint64_t>(v);
                break;
            }
            [[fallthrough]];
        case state::size_ws:
            if (c == ' ' || c == '\t') state_ = state::size_ws;
            else if (c == ';') state_ = state::extension;
            else if (c == '\r') state_ = state::size_lf;
            else if (c == '\n' && !strict_) end_size_line();
            else return fail(i, c == '\n' ? "bare LF in chunked framing" : "invalid character in chunk size");
            break;
        case state::extension:
            // Extensions are ignored (§7.1.1); quoted values may hold any non-control byte.
            if (c == '\r') state_ = state::size_lf;
            else if (c == '\n' && !strict_) end_size_line();
            else if (is_ctl(c)) return fail(i, "control character in chunk extension");
            break;
        case state::size_lf:
            if (c != '\n') return fail(i, "bare CR in chunk size line");
            end_size_line();
            break;
        case state::data_cr:
            if (c == '\r') state_ = state::data_lf;
            else if (c == '\n' && !strict_) state_ = state::size_start;
            else return fail(i, "missing CRLF after chunk data");
            break;
        case state::data_lf:
            if (c != '\n') return fail(i, "missing CRLF after chunk data");
            state_ = state::size_start;
            break;
        // trailer-section = *( field-line CRLF ) CRLF  (§7.1.2)
        case state::trailer_start:
            if (c == '\r') state_ = state::final_lf;
            else if (c == '\n' && !strict_) state_ = state::done;
            else if (c == '\n') return fail(i, "bare LF in chunked framing");
            else if (c == ' ' || c == '\t') return fail(i, "obsolete line folding in trailer");
            else if (is_tchar(c)) state_ = state::trailer_name;
            else return fail(i, "invalid trailer field name");
            break;
        case state::trailer_name:
            if (c == ':') state_ = state::trailer_value;
            else if (!is_tchar(c)) return fail(i, "invalid trailer field name");
            break;
        case state::trailer_value:
            if (c == '\r') {
                state_ = state::trailer_lf;
            } else if (c == '\n' && !strict_) {
                line_bytes_ = 0;
                state_ = state::trailer_start;
            } else if (is_ctl(c)) {
                return fail(i, "control character in trailer field");
            }
            break;
        case state::trailer_lf:
            if (c != '\n') return fail(i, "bare CR in trailer");
            line_bytes_ = 0;
            state_ = state::trailer_start;
            break;
        case state::final_lf:
            if (c != '\n') return fail(i, "bare CR after trailer section");
            state_ = state::done;
            break;
        case state::data: case state::done: case state::bad:
            break;  // handled above the switch or by the loop condition
        }
        ++i;
    }
    return {i, state_ == state::done, false, {}};
}

}  // namespace netlab::http
