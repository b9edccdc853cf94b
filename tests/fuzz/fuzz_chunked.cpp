// The chunked decoder. Properties: bytes split anywhere across calls decode exactly as
// the whole does (same data, same end, same verdict); it counts what it hands out; it
// never consumes more than it is given, nor anything after done or bad; and whatever the
// strict mode accepts, the lenient mode accepts the same way.
// Input: one byte of flags (strict), one seed for the split points, then the body.
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "http/chunked.hpp"

namespace {

using netlab::http::chunked_decoder;

struct decoded {
    std::string data;
    std::size_t consumed = 0;
    bool done = false, bad = false;
};

// Feeds `body` in pieces of 1 to 16 bytes chosen by `seed` (0: all at once).
decoded decode(std::string_view body, bool strict, std::uint8_t seed) {
    chunked_decoder d;
    d.set_strict(strict);
    decoded out;
    std::uint32_t state = seed;
    while (out.consumed < body.size()) {
        std::size_t n = body.size() - out.consumed;
        if (seed != 0) {
            state = state * 1103515245u + 12345u;
            n = std::min<std::size_t>(n, 1 + (state >> 16) % 16);
        }
        const auto piece = body.substr(out.consumed, n);
        const auto r = d.feed(piece, [&](std::string_view data) {
            FUZZ_CHECK(!data.empty() && data.data() >= piece.data() && data.data() + data.size() <= piece.data() + piece.size());
            out.data += data;
        });
        FUZZ_CHECK(r.consumed <= piece.size());
        FUZZ_CHECK(r.done == d.done() && r.bad == d.bad() && !(r.done && r.bad));
        FUZZ_CHECK(!r.bad || !r.error.empty());
        out.consumed += r.consumed;
        if (r.done || r.bad) break;
        FUZZ_CHECK(r.consumed == piece.size());  // not finished: it takes everything
    }
    FUZZ_CHECK(d.decoded_bytes() == out.data.size());
    out.done = d.done();
    out.bad = d.bad();
    if (out.done || out.bad) {  // final: nothing more is taken
        FUZZ_CHECK(d.feed("0\r\n\r\n", [](std::string_view) { FUZZ_CHECK(false); }).consumed == 0);
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    netlab::fuzz::input in(data, size);
    const bool strict = in.flag();
    const std::uint8_t seed = in.byte();
    const auto body = in.rest();

    const auto whole = decode(body, strict, 0);
    const auto split = decode(body, strict, seed == 0 ? 1 : seed);
    FUZZ_CHECK(whole.done == split.done && whole.bad == split.bad);
    FUZZ_CHECK(whole.data == split.data);
    if (whole.done) FUZZ_CHECK(whole.consumed == split.consumed);

    if (strict && whole.done) {
        const auto lenient = decode(body, false, 0);
        FUZZ_CHECK(lenient.done && lenient.data == whole.data && lenient.consumed == whole.consumed);
    }
    return 0;
}
