#include "commands/event_time.hpp"

#include <algorithm>

#include "http/http_date.hpp"

namespace netlab::commands {

// The part up to the second is rendered once a second per thread.
time_stamp iso_time_stamp(std::int64_t unix_ms) {
    thread_local std::int64_t rendered_second = INT64_MIN;
    thread_local std::string up_to_second;  // "2026-11-25T14:30:00."
    const std::int64_t second = unix_ms / 1000 - (unix_ms % 1000 < 0 ? 1 : 0);
    const auto ms = static_cast<int>(unix_ms - second * 1000);
    if (second != rendered_second) {
        up_to_second = http::format_iso8601_utc(second);
        up_to_second.back() = '.';  // the 'Z' comes after the milliseconds
        rendered_second = second;
    }
    time_stamp t;
    const auto end = std::copy(up_to_second.begin(), up_to_second.end(), t.text.begin());
    end[0] = static_cast<char>('0' + ms / 100);
    end[1] = static_cast<char>('0' + ms / 10 % 10);
    end[2] = static_cast<char>('0' + ms % 10);
    end[3] = 'Z';
    return t;
}

}  // namespace netlab::commands
