// Byte counts as typed on the command line, read as curl reads --max-filesize: a whole
// number with an optional unit.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace netlab::client {

// "1000", "200K", "3m", "1G", "512B": K, M and G are binary (1K is 1024 bytes), either
// case, as curl's GetSizeParameter. nullopt for anything else: a sign, a space, a
// fraction, another unit, or a value beyond 64 bits.
std::optional<std::uint64_t> parse_byte_size(std::string_view text);

}  // namespace netlab::client
