// When a banner (what a service says first) is whole: a pure function over the bytes
// read so far, so the scanner reads until it says so, the limit is reached or the time
// is up, whatever pieces the bytes arrive in.
#pragma once

#include <string_view>

namespace netlab::scan {

// True once a line has ended that does not announce more. A reply's "NNN-" lines
// continue it, and its line starting "NNN " (the same code) ends it: a multi-line SMTP
// greeting (RFC 5321 §4.2.1) or FTP welcome (RFC 959 §4.2, whose inner lines may be any
// text). Any other first line ends the banner where it ends (SSH's version line, a
// one-line greeting).
bool banner_complete(std::string_view bytes);

}  // namespace netlab::scan
