#include "commands/event_time.hpp"

#include <fmt/format.h>

#include "http/http_date.hpp"

namespace netlab::commands {

std::string iso_time_ms(std::int64_t unix_ms) {
    const std::string base = http::format_iso8601_utc(unix_ms / 1000);  // "2026-11-25T14:30:00Z"
    return fmt::format("{}.{:03}Z", base.substr(0, base.size() - 1), unix_ms % 1000);
}

}  // namespace netlab::commands
