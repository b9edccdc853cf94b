#include "http/http_date.hpp"

#include <array>

namespace netlab::http {
namespace {

constexpr std::array<std::string_view, 7> day_names{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 7> long_day_names{"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                         "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 12> month_names{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

constexpr std::int64_t min_seconds = -62167219200;  // 0000-01-01T00:00:00Z
constexpr std::int64_t max_seconds = 253402300799;  // 9999-12-31T23:59:59Z

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian, 400-year eras).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct civil {
    std::int64_t year;
    unsigned month, day, hour, minute, second, weekday;  // weekday 0 = Sunday
};

constexpr civil civil_from_seconds(std::int64_t t) {
    t = t < min_seconds ? min_seconds : (t > max_seconds ? max_seconds : t);
    std::int64_t days = t / 86400, secs = t % 86400;
    if (secs < 0) { secs += 86400; --days; }
    civil c{};
    c.weekday = static_cast<unsigned>((days % 7 + 11) % 7);  // 1970-01-01 was a Thursday
    c.hour = static_cast<unsigned>(secs / 3600);
    c.minute = static_cast<unsigned>(secs / 60 % 60);
    c.second = static_cast<unsigned>(secs % 60);
    const std::int64_t z = days + 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    c.day = doy - (153 * mp + 2) / 5 + 1;
    c.month = mp < 10 ? mp + 3 : mp - 9;
    c.year = static_cast<std::int64_t>(yoe) + era * 400 + (c.month <= 2);
    return c;
}

constexpr bool is_leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

constexpr unsigned days_in_month(std::int64_t y, unsigned m) {
    constexpr std::array<unsigned, 12> days{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

void put_digits(std::string& out, std::int64_t v, int width) {
    std::array<char, 4> buf{};
    for (int i = width - 1; i >= 0; --i, v /= 10)
        buf[static_cast<std::size_t>(i)] = static_cast<char>('0' + v % 10);
    out.append(buf.data(), static_cast<std::size_t>(width));
}

// A forward-only reader over the date text; each step fails closed.
struct reader {
    std::string_view s;
    bool ok = true;

    bool literal(std::string_view lit) {
        ok = ok && s.substr(0, lit.size()) == lit;
        if (ok) s.remove_prefix(lit.size());
        return ok;
    }
    unsigned digits(std::size_t n) {
        unsigned v = 0;
        ok = ok && s.size() >= n;
        for (std::size_t i = 0; ok && i < n; ++i) {
            ok = s[i] >= '0' && s[i] <= '9';
            v = v * 10 + static_cast<unsigned>(s[i] - '0');
        }
        if (ok) s.remove_prefix(n);
        return v;
    }
    // Index of the first name that starts the text; names in a table never prefix each other.
    template <std::size_t N>
    unsigned one_of(const std::array<std::string_view, N>& names) {
        for (std::size_t i = 0; ok && i < N; ++i)
            if (s.substr(0, names[i].size()) == names[i]) {
                s.remove_prefix(names[i].size());
                return static_cast<unsigned>(i);
            }
        ok = false;
        return 0;
    }
};

struct fields {
    std::int64_t year = 0;
    unsigned month = 0, day = 0, hour = 0, minute = 0, second = 0;  // month 1..12
};

void read_time(reader& r, fields& f) {
    f.hour = r.digits(2);
    r.literal(":");
    f.minute = r.digits(2);
    r.literal(":");
    f.second = r.digits(2);
}

std::optional<fields> read_any(std::string_view text) {
    reader r{text};
    fields f;
    if (text.size() > 3 && text[3] == ',') {
        // IMF-fixdate: day-name "," SP 2DIGIT SP month SP 4DIGIT SP time SP "GMT"
        r.one_of(day_names);
        r.literal(", ");
        f.day = r.digits(2);
        r.literal(" ");
        f.month = r.one_of(month_names) + 1;
        r.literal(" ");
        f.year = r.digits(4);
        r.literal(" ");
        read_time(r, f);
        r.literal(" GMT");
    } else if (text.size() > 3 && text[3] == ' ') {
        // asctime: day-name SP month SP ( 2DIGIT / SP DIGIT ) SP time SP 4DIGIT
        r.one_of(day_names);
        r.literal(" ");
        f.month = r.one_of(month_names) + 1;
        r.literal(" ");
        if (r.ok && !r.s.empty() && r.s.front() == ' ') {
            r.literal(" ");
            f.day = r.digits(1);
        } else {
            f.day = r.digits(2);
        }
        r.literal(" ");
        read_time(r, f);
        r.literal(" ");
        f.year = r.digits(4);
    } else {
        // rfc850: day-name-l "," SP 2DIGIT "-" month "-" 2DIGIT SP time SP "GMT"
        r.one_of(long_day_names);
        r.literal(", ");
        f.day = r.digits(2);
        r.literal("-");
        f.month = r.one_of(month_names) + 1;
        r.literal("-");
        const unsigned yy = r.digits(2);
        f.year = yy < 70 ? 2000 + yy : 1900 + yy;
        r.literal(" ");
        read_time(r, f);
        r.literal(" GMT");
    }
    if (!r.ok || !r.s.empty()) return std::nullopt;
    return f;
}

}  // namespace

std::string format_http_date(std::int64_t unix_seconds) {
    const civil c = civil_from_seconds(unix_seconds);
    std::string out;
    out.reserve(29);
    out += day_names[c.weekday];
    out += ", ";
    put_digits(out, c.day, 2);
    out += ' ';
    out += month_names[c.month - 1];
    out += ' ';
    put_digits(out, c.year, 4);
    out += ' ';
    put_digits(out, c.hour, 2);
    out += ':';
    put_digits(out, c.minute, 2);
    out += ':';
    put_digits(out, c.second, 2);
    out += " GMT";
    return out;
}

std::string format_iso8601_utc(std::int64_t unix_seconds) {
    const civil c = civil_from_seconds(unix_seconds);
    std::string out;
    out.reserve(20);
    put_digits(out, c.year, 4);
    out += '-';
    put_digits(out, c.month, 2);
    out += '-';
    put_digits(out, c.day, 2);
    out += 'T';
    put_digits(out, c.hour, 2);
    out += ':';
    put_digits(out, c.minute, 2);
    out += ':';
    put_digits(out, c.second, 2);
    out += 'Z';
    return out;
}

std::optional<std::int64_t> parse_http_date(std::string_view text) {
    const auto f = read_any(text);
    if (!f || f->day < 1 || f->day > days_in_month(f->year, f->month) || f->hour > 23 ||
        f->minute > 59 || f->second > 60)
        return std::nullopt;
    return days_from_civil(f->year, f->month, f->day) * 86400 + f->hour * 3600 + f->minute * 60 +
           f->second;
}

}  // namespace netlab::http
