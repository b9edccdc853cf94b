// HTTP dates (RFC 9110 §5.6.7) by pure calendar arithmetic: no gmtime/timegm, which are
// neither thread-safe everywhere nor present everywhere (timegm is missing on Windows),
// and no locale, which could translate the day and month names.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace netlab::http {

// IMF-fixdate, the only form a sender may generate: "Sun, 06 Nov 1994 08:49:37 GMT".
// Times outside years 0000..9999 are clamped, since the format has exactly four year digits.
std::string format_http_date(std::int64_t unix_seconds);

// Accepts IMF-fixdate and the two obsolete forms recipients MUST accept (§5.6.7):
// RFC 850 "Sunday, 06-Nov-94 08:49:37 GMT" and asctime "Sun Nov  6 08:49:37 1994".
// Names are case-sensitive as in the grammar; the day name is checked for spelling, not
// against the date. RFC 850's two-digit year is read as 1970..2069: the RFC's "50 years
// from now" rule needs the clock, which a pure parser does not have. A leap second (:60)
// is accepted and counts as the next second. Anything else gives nullopt, so an
// If-Modified-Since that cannot be read is ignored, as §13.1.3 requires.
std::optional<std::int64_t> parse_http_date(std::string_view text);

// ISO 8601 / RFC 3339 UTC timestamp, "1994-11-06T08:49:37Z": for directory listings and
// machine-readable output. Clamped to years 0000..9999 like format_http_date.
std::string format_iso8601_utc(std::int64_t unix_seconds);

}  // namespace netlab::http
