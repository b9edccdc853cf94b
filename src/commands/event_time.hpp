// Event times as the subcommands print them (access log lines, datagrams): ISO 8601 UTC
// with milliseconds, "2026-11-25T14:30:00.123Z".
#pragma once

#include <cstdint>
#include <string>

namespace netlab::commands {

std::string iso_time_ms(std::int64_t unix_ms);

}  // namespace netlab::commands
