// The per-process open-file limit bounds how many sockets a server can hold.
#pragma once

#include <cstdint>

namespace netlab::platform {

struct file_limit {
    bool applicable = true;  // false where the OS has no soft limit for sockets (Windows)
    std::uint64_t soft = 0;
    std::uint64_t hard = 0;
};

file_limit open_file_limit();

// Raises the soft limit towards `wanted` (never above the hard limit, nor OPEN_MAX on
// macOS) and returns the limit now in force. Never lowers it.
file_limit raise_open_file_limit(std::uint64_t wanted);

}  // namespace netlab::platform
