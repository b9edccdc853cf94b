// When each phase of a transfer ended, in seconds since the command started, and the one
// table that both the --timing chart and the JSON fields come from (curl -w names).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

namespace netlab::client {

struct timings {
    double redirect = 0;       // redirects followed before the last request began
    double namelookup = 0;     // name resolved
    double connect = 0;        // TCP connected
    double pretransfer = 0;    // request head (and body) sent
    double starttransfer = 0;  // first byte of the response
    double total = 0;          // body received
};

// Row i is a moment (its JSON name) and the phase that ends there (its label), which
// began at row i-1's moment (at 0 for the first row).
struct timing_field {
    std::string_view json_name;
    std::string_view phase;
    double timings::*moment;
};

std::span<const timing_field> timing_fields();

// Bytes per second, 0 when no time passed.
double speed(std::uint64_t bytes, double seconds);

// "0.42 ms", "12.3 ms", "1.25 s".
std::string format_duration(double seconds);

// The chart behind --timing (like httpstat): one line per phase with a bar placed where
// the phase lies on the time axis, then the total. `width` is the terminal's columns;
// `paint(text, row)` colours a bar (identity when colour is off). Phases of zero length
// before the first request (no redirect) are left out.
std::string timing_chart(const timings& t, int width,
                         const std::function<std::string(std::string_view, std::size_t)>& paint);

}  // namespace netlab::client
