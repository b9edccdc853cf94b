#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "http/chunked.hpp"

using namespace netlab::http;
using namespace std::string_literals;

namespace {

struct outcome {
    std::string data;
    bool done = false;
    bool bad = false;
    std::string_view error;
    std::size_t consumed = 0;  // total over all calls
};

// Feeds `in` in pieces of `step` bytes until done, bad, or input runs out.
outcome decode(std::string_view in, std::size_t step) {
    chunked_decoder d;
    outcome o;
    std::size_t pos = 0;
    while (pos < in.size()) {
        const auto piece = in.substr(pos, step);
        const auto r = d.feed(piece, [&](std::string_view s) {
            CHECK_FALSE(s.empty());
            o.data += s;
        });
        o.consumed += r.consumed;
        if (r.bad) {
            o.bad = true;
            o.error = r.error;
            CHECK(d.bad());
            break;
        }
        if (r.done) {
            o.done = true;
            CHECK(d.done());
            break;
        }
        REQUIRE(r.consumed == piece.size());
        pos += piece.size();
    }
    CHECK(d.decoded_bytes() == o.data.size());
    return o;
}

outcome decode(std::string_view in) { return decode(in, in.size() + 1); }

bool is_bad(std::string_view in) {
    // Whether fed whole or a byte at a time, the verdict is the same.
    const auto whole = decode(in);
    const auto bytes = decode(in, 1);
    CHECK(whole.bad == bytes.bad);
    CHECK(whole.error == bytes.error);
    if (whole.bad) CHECK_FALSE(whole.error.empty());
    return whole.bad;
}

constexpr std::string_view sample =
    "5\r\nhello\r\n6;ext=1\r\n world\r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n";

}  // namespace

TEST_CASE("chunks are decoded and the final chunk ends the body") {
    const auto o = decode(sample);
    CHECK(o.done);
    CHECK_FALSE(o.bad);
    CHECK(o.data == "hello world0123456789");
    CHECK(o.consumed == sample.size());
}

TEST_CASE("feeding one byte, or any step, at a time gives the same result") {
    for (std::size_t step = 1; step <= sample.size(); ++step) {
        INFO("step ", step);
        const auto o = decode(sample, step);
        CHECK(o.done);
        CHECK(o.data == "hello world0123456789");
        CHECK(o.consumed == sample.size());
    }
}

TEST_CASE("a split at any single point gives the same result") {
    for (std::size_t cut = 0; cut <= sample.size(); ++cut) {
        INFO("cut at ", cut);
        chunked_decoder d;
        std::string data;
        auto sink = [&](std::string_view s) { data += s; };
        const auto r1 = d.feed(sample.substr(0, cut), sink);
        CHECK(r1.consumed == cut);
        const auto r2 = d.feed(sample.substr(cut), sink);
        CHECK(r2.done);
        CHECK(r1.consumed + r2.consumed == sample.size());
        CHECK(data == "hello world0123456789");
    }
}

TEST_CASE("bare LF line ends are accepted") {
    const auto o = decode("3\nabc\n0\nT: x\n\n");
    CHECK(o.done);
    CHECK(o.data == "abc");
}

TEST_CASE("an empty body is just the last chunk") {
    const auto o = decode("0\r\n\r\n");
    CHECK(o.done);
    CHECK(o.data.empty());
    CHECK(decode("000\r\n\r\n").done);
}

TEST_CASE("hex sizes in either case and with leading zeros") {
    CHECK(decode("a\r\n0123456789\r\n0\r\n\r\n").data == "0123456789");
    CHECK(decode("A\r\n0123456789\r\n0\r\n\r\n").data == "0123456789");
    CHECK(decode("00000000000000000005\r\nhello\r\n0\r\n\r\n").data == "hello");
    CHECK(decode("1f\r\n" + std::string(31, 'x') + "\r\n0\r\n\r\n").data.size() == 31);
}

TEST_CASE("chunk extensions are ignored") {
    CHECK(decode("5;name=value\r\nhello\r\n0\r\n\r\n").data == "hello");
    CHECK(decode("5 ; a=\"q;x y\" ;b\r\nhello\r\n0;last\r\n\r\n").data == "hello");
    CHECK(decode("5\t;a\r\nhello\r\n0\r\n\r\n").data == "hello");
    CHECK(decode("5  \r\nhello\r\n0\r\n\r\n").data == "hello");
    CHECK(decode("5;caf\xc3\xa9\r\nhello\r\n0\r\n\r\n").data == "hello");
}

TEST_CASE("trailer fields are skipped") {
    const auto o = decode("2\r\nhi\r\n0\r\nExpires: never\r\nX-Sum:1\r\nEmpty:\r\n\r\n");
    CHECK(o.done);
    CHECK(o.data == "hi");
}

TEST_CASE("bytes after the body are not consumed") {
    const std::string in = "2\r\nhi\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n";
    chunked_decoder d;
    std::string data;
    const auto r = d.feed(in, [&](std::string_view s) { data += s; });
    CHECK(r.done);
    CHECK(r.consumed == in.find("HTTP"));
    const auto again = d.feed("more", [&](std::string_view s) { data += s; });
    CHECK(again.consumed == 0);
    CHECK(again.done);
    CHECK(data == "hi");
}

TEST_CASE("decoded data is handed out as views into the input, without copies") {
    const std::string in = "5\r\nhello\r\n0\r\n\r\n";
    chunked_decoder d;
    const char* seen = nullptr;
    d.feed(in, [&](std::string_view s) { seen = s.data(); });
    CHECK(seen == in.data() + 3);
}

TEST_CASE("a large chunk streams out across many calls") {
    const std::string body(100000, 'z');
    const std::string in = "186a0\r\n" + body + "\r\n0\r\n\r\n";
    const auto o = decode(in, 4093);
    CHECK(o.done);
    CHECK(o.data == body);
}

TEST_CASE("the largest 64-bit chunk size is accepted, one hex digit more overflows") {
    chunked_decoder d;
    const auto r = d.feed("FFFFFFFFFFFFFFFF\r\nabc", [](std::string_view) {});
    CHECK_FALSE(r.bad);
    CHECK_FALSE(r.done);
    CHECK(d.decoded_bytes() == 3);
    CHECK(is_bad("10000000000000000\r\n"));
    CHECK(decode("10000000000000000\r\n").error.find("overflow") != std::string_view::npos);
    CHECK(is_bad("FFFFFFFFFFFFFFFFF\r\n"));
}

TEST_CASE("data not followed by CRLF is bad") {
    CHECK(is_bad("5\r\nhelloX\r\n0\r\n\r\n"));
    CHECK(is_bad("5\r\nhello\rX"));
    CHECK(is_bad("3\r\nhello\r\n0\r\n\r\n"));
    CHECK(decode("5\r\nhelloX").error.find("CRLF") != std::string_view::npos);
}

TEST_CASE("a missing or malformed chunk size is bad") {
    for (const char* in : {"\r\n", "x\r\n", ";ext\r\n", "-5\r\n", " 5\r\n", "+5\r\n", "5x\r\n",
                           "5 x\r\n", "0x5\r\n", "5\r\nhello\r\n\r\n0\r\n\r\n"}) {
        INFO(in);
        CHECK(is_bad(in));
    }
}

TEST_CASE("bare CR in a chunk size line is bad") {
    CHECK(is_bad("5\rhello"));
    CHECK(is_bad("5;a\rb\r\nhello\r\n"));
}

TEST_CASE("control characters in a chunk extension are bad") {
    CHECK(is_bad("5;a\x01\r\nhello\r\n0\r\n\r\n"));
    CHECK(is_bad("5;a\0b\r\nhello\r\n0\r\n\r\n"s));
    CHECK(is_bad("5;a\x7f\r\nhello\r\n0\r\n\r\n"));
}

TEST_CASE("a chunk size line of 4096 bytes is accepted, 4097 is bad") {
    const std::string ok = "5;" + std::string(4096 - 4, 'a') + "\r\n";  // 4096 with CRLF
    REQUIRE(ok.size() == 4096);
    CHECK(decode(ok + "hello\r\n0\r\n\r\n").done);
    const std::string too_long = "5;" + std::string(4096 - 3, 'a') + "\r\n";
    REQUIRE(too_long.size() == 4097);
    CHECK(is_bad(too_long));
    CHECK(decode(too_long).error.find("4096") != std::string_view::npos);
}

TEST_CASE("an endless chunk size line is cut off at the limit, not buffered") {
    const std::string endless(100000, '0');
    const auto o = decode(endless, 1000);
    CHECK(o.bad);
    CHECK(o.consumed == chunked_decoder::max_line_bytes);
}

TEST_CASE("a trailer line longer than 4096 bytes is bad") {
    const std::string line = "X: " + std::string(4096, 'v') + "\r\n";
    CHECK(is_bad("0\r\n" + line + "\r\n"));
    const std::string fits = "X: " + std::string(4096 - 5, 'v') + "\r\n";
    CHECK(decode("0\r\n" + fits + "\r\n").done);
}

TEST_CASE("a trailer section larger than 16 KiB is bad") {
    const std::string line = "X: " + std::string(4000, 'v') + "\r\n";
    std::string four = "0\r\n";
    for (int i = 0; i < 4; ++i) four += line;
    CHECK(decode(four + "\r\n").done);  // 16 020 bytes
    CHECK(is_bad(four + line + "\r\n"));
    CHECK(decode(four + line + "\r\n").error.find("16384") != std::string_view::npos);
}

TEST_CASE("malformed trailer lines are bad") {
    for (const std::string& in : {"0\r\n: x\r\n\r\n"s, "0\r\n folded\r\n\r\n"s, "0\r\nNo colon\r\n\r\n"s,
                                 "0\r\nX: a\x01\r\n\r\n"s, "0\r\nX: y\rZ"s, "0\r\n\rX"s, "0\r\nX(: y\r\n\r\n"s,
                                 "0\r\nX: a\0b\r\n\r\n"s}) {
        INFO(in);
        CHECK(is_bad(in));
    }
}

TEST_CASE("after bad, every call reports bad and consumes nothing") {
    chunked_decoder d;
    const auto r = d.feed("zz", [](std::string_view) {});
    CHECK(r.bad);
    const auto again = d.feed("5\r\nhello\r\n", [](std::string_view) { FAIL("no data after bad"); });
    CHECK(again.bad);
    CHECK(again.consumed == 0);
    CHECK(again.error == r.error);
}

TEST_CASE("empty input consumes nothing and is not done") {
    chunked_decoder d;
    const auto r = d.feed("", [](std::string_view) {});
    CHECK(r.consumed == 0);
    CHECK_FALSE(r.done);
    CHECK_FALSE(r.bad);
}

TEST_CASE("reset readies the decoder for the next message") {
    chunked_decoder d;
    std::string data;
    auto sink = [&](std::string_view s) { data += s; };
    REQUIRE(d.feed("1\r\na\r\n0\r\n\r\n", sink).done);
    d.reset();
    CHECK_FALSE(d.done());
    CHECK(d.decoded_bytes() == 0);
    CHECK(d.feed("1\r\nb\r\n0\r\n\r\n", sink).done);
    CHECK(data == "ab");
    CHECK(d.decoded_bytes() == 1);
}

TEST_CASE("decoded_bytes counts chunk data, not framing") {
    chunked_decoder d;
    d.feed("5;x=y\r\nhel", [](std::string_view) {});
    CHECK(d.decoded_bytes() == 3);
}

TEST_CASE("const, mutable and function-object sinks all work") {
    std::size_t total = 0;
    const auto const_sink = [&total](std::string_view s) { total += s.size(); };
    chunked_decoder d;
    d.feed("2\r\nab\r\n", const_sink);
    d.feed("1\r\nc\r\n", [n = std::size_t{0}, &total](std::string_view s) mutable {
        n += s.size();
        total += n;
    });
    struct counter {
        std::size_t* out;
        void operator()(std::string_view s) const { *out += s.size(); }
    };
    const auto r = d.feed("1\r\nd\r\n0\r\n\r\n", counter{&total});
    CHECK(r.done);
    CHECK(total == 4);
}

TEST_CASE("a strict decoder refuses bare LF line ends that a lenient one accepts") {
    for (const char* body : {"5\nhello\r\n0\r\n\r\n", "5\r\nhello\n0\r\n\r\n", "5;x=1\nhello\r\n0\r\n\r\n",
                             "5\r\nhello\r\n0\r\n\n", "5\r\nhello\r\n0\r\nT: v\n\r\n"}) {
        CAPTURE(body);
        netlab::http::chunked_decoder lenient;
        const auto ok = lenient.feed(body, [](std::string_view) {});
        CHECK(ok.done);
        netlab::http::chunked_decoder strict;
        strict.set_strict(true);
        const auto r = strict.feed(body, [](std::string_view) {});
        CHECK(r.bad);
        CHECK_FALSE(r.done);
    }
}

TEST_CASE("reset keeps a decoder strict") {
    netlab::http::chunked_decoder d;
    d.set_strict(true);
    d.reset();
    CHECK(d.feed("0\n\r\n", [](std::string_view) {}).bad);
}
