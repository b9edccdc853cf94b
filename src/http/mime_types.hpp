// File extension -> Content-Type, one table (DESIGN habit 2), as asio's mime_types example.
#pragma once

#include <string_view>

namespace netlab::http {

// Content-Type for a file name by its last extension, compared case-insensitively
// ("README.MD" is markdown). Text types carry "; charset=utf-8" so browsers do not guess
// (RFC 9110 §8.3.2 leaves the default charset undefined). A name without an extension, a
// dotfile such as ".bashrc", or an unknown extension gives "application/octet-stream",
// the RFC 9110 §8.3 choice when the type is unknown (download rather than render).
std::string_view mime_type_for(std::string_view filename);

}  // namespace netlab::http
