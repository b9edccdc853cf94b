// Words for showing server events to a person: counts with the right form of the noun,
// and bytes from the network made safe for a terminal. Pure functions; serve-http's
// output uses them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace netlab::server {

// "1 request", "2 requests", "0 requests"; `plural` is `singular` + "s" unless given.
std::string count_of(std::uint64_t n, std::string_view singular, std::string_view plural = {});

// Bytes a client sent, for a terminal: valid UTF-8 text stays as it is; control bytes (C0,
// DEL, and C1 such as U+009B, which some terminals read as an escape) and bytes that are
// not UTF-8 become escapes ("\r", "\t", "\n", "\x1b", "\xff"), so nothing received can move
// the cursor, change colours or retitle the window. With `multiline`, line ends (LF, CRLF)
// and tabs are kept, so a head or a text body reads as the client wrote it. Backslashes are
// not doubled: a JSON body stays readable, at the price of "\x1b" typed by the client
// looking like an escaped byte.
std::string printable(std::string_view bytes, bool multiline = false);

}  // namespace netlab::server
