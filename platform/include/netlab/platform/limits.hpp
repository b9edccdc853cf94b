// Per-process resource limits: the open-file limit bounds how many sockets a server can
// hold; the address-space limit is what `ulimit -v` set, named when memory runs out.
#pragma once

#include <cstdint>

namespace netlab::platform {

struct file_limit {
    bool applicable = true;  // false where the OS has no such soft limit (Windows)
    std::uint64_t soft = 0;  // UINT64_MAX: unlimited
    std::uint64_t hard = 0;
};

file_limit open_file_limit();

// The address-space limit in bytes (RLIMIT_AS, `ulimit -v`); not applicable on Windows.
file_limit address_space_limit();

// Raises the soft limit towards `wanted` (never above the hard limit, nor OPEN_MAX on
// macOS) and returns the limit now in force. Never lowers it.
file_limit raise_open_file_limit(std::uint64_t wanted);

}  // namespace netlab::platform
