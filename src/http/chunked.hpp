// Incremental decoder for the chunked transfer coding (RFC 9112 §7.1), for response
// bodies in the client and request bodies the server reads to discard. Bytes may be
// split anywhere across calls; decoded data is handed out as views into the input, so
// nothing is copied or allocated.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <type_traits>

namespace netlab::http {

class chunked_decoder {
public:
    struct result {
        std::size_t consumed;    // input bytes used by this call; the rest is the next message
        bool done;               // last chunk and trailer section fully read
        bool bad;                // the stream can never be valid; close the connection
        std::string_view error;  // static text, set when bad
    };

    // Every buffer has a limit (DESIGN habit 4): a chunk-size line or one trailer line,
    // counting its line end, and the whole trailer section.
    static constexpr std::size_t max_line_bytes = 4 * 1024;
    static constexpr std::size_t max_trailer_bytes = 16 * 1024;

    // Feeds bytes; calls on_data(std::string_view) zero or more times with decoded data.
    // Chunk extensions (";name=value") are validated loosely and ignored; trailer fields
    // are checked for shape and ignored (RFC 9112 §7.1.2 lets a recipient discard them).
    // CRLF or bare LF end lines (§2.2). A chunk size that overflows 64 bits, data not
    // followed by a line end, or any limit exceeded makes the decoder bad for good.
    // After done or bad, further calls consume nothing.
    template <class OnData>
    result feed(std::string_view in, OnData&& on_data) {
        using fn = std::remove_reference_t<OnData>;
        auto thunk = [](void* ctx, std::string_view data) { (*static_cast<fn*>(ctx))(data); };
        return feed_core(in, thunk, const_cast<void*>(static_cast<const void*>(std::addressof(on_data))));
    }

    bool done() const;
    bool bad() const;
    // Decoded body bytes so far (chunk data only, not framing).
    std::uint64_t decoded_bytes() const;
    // Ready for the next message on a kept-alive connection.
    void reset();  // keeps the strictness

    // Strict: every line end must be CRLF. A server behind a proxy needs this, since a
    // proxy that reads bare LF differently would see other request boundaries
    // ("funky chunks" request smuggling); a client may stay lenient.
    void set_strict(bool strict) { strict_ = strict; }

private:
    using sink_fn = void (*)(void*, std::string_view);
    result feed_core(std::string_view in, sink_fn sink, void* ctx);
    result fail(std::size_t consumed, std::string_view why);
    void end_size_line();

    enum class state : unsigned char {
        size_start, size, size_ws, extension, size_lf,
        data, data_cr, data_lf,
        trailer_start, trailer_name, trailer_value, trailer_lf, final_lf,
        done, bad
    };
    state state_ = state::size_start;
    std::uint64_t chunk_size_ = 0;  // size being read, then data bytes still to come
    std::uint64_t decoded_ = 0;
    bool strict_ = false;
    std::size_t line_bytes_ = 0;
    std::size_t trailer_bytes_ = 0;
    std::string_view error_;
};

}  // namespace netlab::http
