// Single byte-range requests (RFC 9110 §14). Only one range is honoured: a multi-range
// request is answered with the whole representation, which the RFC allows (§14.2), and
// spares the server multipart/byteranges and its amplification risks.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace netlab::http {

struct byte_range {
    std::uint64_t first, last;  // inclusive, already clamped to size
};

// none = header absent/ignored -> serve 200 whole
enum class range_kind { none, satisfiable, unsatisfiable };

struct range_result {
    range_kind kind;
    byte_range range{};  // meaningful only when satisfiable
};

// Parses a Range field value ("bytes=a-b", "bytes=a-", "bytes=-n") against a representation
// of `size` bytes. Invalid syntax, another unit, or several ranges give `none`, because a
// server MUST ignore a Range it cannot understand (§14.2). A valid range that selects no byte
// (first >= size, "-0", or any range of an empty file) gives `unsatisfiable`: answer 416
// with content_range_unsatisfied() (§15.5.17). Numbers too large for 64 bits saturate, which
// keeps the meaning (they are past any real end) without overflow.
range_result parse_range(std::string_view header_value, std::uint64_t size);

// Content-Range value for a 206 (§14.4): "bytes 0-99/1000".
std::string content_range(const byte_range& range, std::uint64_t size);

// Content-Range value for a 416 (§14.4): "bytes */1000".
std::string content_range_unsatisfied(std::uint64_t size);

}  // namespace netlab::http
