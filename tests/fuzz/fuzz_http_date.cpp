// HTTP dates (If-Modified-Since from clients, Last-Modified and listings from file times).
// Properties: any time formats without overflow to the fixed shapes; a date that parses
// formats back to a date that parses to the same second; a formatted time parses back to
// itself within the years the format can hold.
#include <cstdint>
#include <string_view>

#include "fuzz_check.hpp"
#include "http/http_date.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace netlab::http;
    netlab::fuzz::input in(data, size);
    const auto t = static_cast<std::int64_t>(in.u64());

    const auto http = format_http_date(t);
    FUZZ_CHECK(http.size() == 29 && http.ends_with(" GMT"));
    const auto iso = format_iso8601_utc(t);
    FUZZ_CHECK(iso.size() == 20 && iso[10] == 'T' && iso.ends_with('Z'));
    // Years 0000..9999 can be said exactly; earlier and later times are clamped.
    constexpr std::int64_t year_0 = -62167219200, year_10000 = 253402300800;
    if (t >= year_0 && t < year_10000) FUZZ_CHECK(parse_http_date(http) == t);

    const auto text = in.rest();
    if (const auto parsed = parse_http_date(text)) {
        const auto again = parse_http_date(format_http_date(*parsed));
        FUZZ_CHECK(again.has_value());
        if (*parsed >= year_0 && *parsed < year_10000) FUZZ_CHECK(*again == *parsed);
    }
    return 0;
}
