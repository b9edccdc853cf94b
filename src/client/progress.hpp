// The progress line for downloads to a file (curl's progress meter, one line): bytes so
// far, percentage and bar when the size is known, speed, ETA. Pure text; the command
// decides whether and where it appears.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace netlab::client {

struct progress {
    std::uint64_t bytes = 0;                // body bytes received so far
    std::optional<std::uint64_t> expected;  // Content-Length, when announced
    double elapsed = 0;                     // seconds since the transfer started
};

// Reports come at most this often, so a fast transfer does not spend its time drawing.
inline constexpr std::chrono::milliseconds progress_interval{200};

// "1.5 KiB", "12.0 MiB", "512 B".
std::string format_bytes(std::uint64_t bytes);

// At most `width` columns: " 42% [#####     ] 12.0 MiB  48.1 MiB/s  ETA 0:03" with a
// known size, "12.0 MiB  48.1 MiB/s" without.
std::string progress_line(const progress& p, int width);

}  // namespace netlab::client
