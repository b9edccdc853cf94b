// Words for showing server events to a person: bytes from the network made safe for a
// terminal. Pure functions; serve-http's
// output uses them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace netlab::server {

// Bytes a client sent, as one field of a log line: valid UTF-8 text stays as it is (Korean
// file names stay readable); control bytes (C0, DEL, and C1 such as U+009B, which some
// terminals read as an escape, or U+0085), bytes that are not UTF-8, the quote and the
// backslash become \xHH, as in nginx's access log. So nothing received can move the cursor,
// change colours, retitle the window, end a quoted field early or pass for an escape.
std::string printable(std::string_view bytes);

// Bytes a client sent, shown as lines (--dump): each line starts with "> " (curl's mark for
// what a client sent; an empty line is ">"), so no line of a request can pass for a line of
// the access log. Line ends (LF, CRLF) and tabs are kept, so a head or a text body reads as
// the client wrote it; other control bytes and bytes that are not UTF-8 become \xHH, a lone
// CR included. Quotes and backslashes stay, so a JSON body stays readable. Every line,
// the last included, ends with '\n'; empty input gives "".
std::string dumped_lines(std::string_view bytes);

}  // namespace netlab::server
