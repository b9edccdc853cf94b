// Event times as the subcommands print them (access log lines, datagrams): ISO 8601 UTC
// with milliseconds, "2026-11-25T14:30:00.123Z".
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace netlab::commands {

// The stamp in a buffer of its own: every access-log line has one, so it costs no
// allocation (years are clamped to four digits).
struct time_stamp {
    std::array<char, 24> text{};
    std::string_view view() const { return {text.data(), text.size()}; }
};

time_stamp iso_time_stamp(std::int64_t unix_ms);

inline std::string iso_time_ms(std::int64_t unix_ms) { return std::string(iso_time_stamp(unix_ms).view()); }

}  // namespace netlab::commands
