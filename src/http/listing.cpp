#include "http/listing.hpp"

#include <algorithm>
#include <array>

#include "http/grammar.hpp"
#include "http/http_date.hpp"
#include "http/path.hpp"

namespace netlab::http {
namespace {

using grammar::is_digit;

// Inline so the page needs no second request; no JS so it works under any CSP.
constexpr std::string_view page_head_style =
    "<style>"
    "body{font-family:system-ui,sans-serif;margin:2em;color:#222}"
    "table{border-collapse:collapse}"
    "th,td{padding:.25em 1.5em .25em 0;text-align:left}"
    "td.size{text-align:right;font-variant-numeric:tabular-nums}"
    "a{text-decoration:none}a:hover{text-decoration:underline}"
    "</style>\n";

// The sortable columns: their heading and their word in the query string, in page order.
struct column {
    listing_sort by;
    std::string_view key;
    std::string_view heading;
};
constexpr std::array<column, 3> columns{{
    {listing_sort::name, "name", "Name"},
    {listing_sort::size, "size", "Size"},
    {listing_sort::date, "date", "Modified"},
}};

constexpr int fold_case(char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 'A' && u <= 'Z' ? u + ('a' - 'A') : u;
}

constexpr int sign(auto x) { return (x > 0) - (x < 0); }

// A heading that sorts by its column; the current column's link reverses the order.
void append_heading(std::string& out, const column& c, listing_order order) {
    const bool current = c.by == order.by;
    const bool next_descending = current && !order.descending;
    out += "<th";
    if (current) out += order.descending ? " aria-sort=\"descending\"" : " aria-sort=\"ascending\"";
    out += "><a href=\"?sort=";
    out += c.key;
    out += next_descending ? "&amp;order=desc" : "&amp;order=asc";
    out += "\">";
    out += c.heading;
    out += "</a>";
    if (current) out += order.descending ? " \xE2\x96\xBC" : " \xE2\x96\xB2";  // ▼ ▲ in UTF-8
    out += "</th>";
}

void append_row(std::string& out, std::string_view href, std::string_view label, std::string_view size,
                std::string_view iso_time) {
    out += "<tr><td><a href=\"";
    out += href;
    out += "\">";
    out += label;
    out += "</a></td><td class=\"size\">";
    out += size;
    out += "</td><td>";
    if (!iso_time.empty()) {
        // Shown as "1994-11-06 08:49:37 UTC"; machines read the datetime attribute.
        std::string shown(iso_time);
        shown[10] = ' ';
        shown.back() = ' ';
        shown += "UTC";
        out += "<time datetime=\"";
        out += iso_time;
        out += "\">";
        out += shown;
        out += "</time>";
    }
    out += "</td></tr>\n";
}

}  // namespace

std::string human_size(std::uint64_t bytes) {
    constexpr std::array<std::string_view, 7> units{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    if (bytes < 1024) return std::to_string(bytes) + " B";
    std::size_t u = 1;
    std::uint64_t unit = 1024;
    while (u + 1 < units.size() && bytes / unit >= 1024) {
        unit *= 1024;
        ++u;
    }
    // Tenths of a unit, rounded, in integers: (bytes % unit) * 10 < 2^64 even for EiB.
    std::uint64_t tenths = bytes / unit * 10 + ((bytes % unit) * 10 + unit / 2) / unit;
    if (tenths >= 10240 && u + 1 < units.size()) {  // 1023.96 KiB rounds to 1.0 MiB, not 1024.0 KiB
        tenths = 10;
        ++u;
    }
    return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " " + std::string(units[u]);
}

listing_order parse_listing_order(std::string_view query) {
    listing_order order;
    while (!query.empty()) {
        const auto amp = query.find('&');
        const auto param = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        const auto eq = param.find('=');
        if (eq == std::string_view::npos) continue;
        const auto name = param.substr(0, eq);
        const auto value = param.substr(eq + 1);
        if (name == "sort") {
            for (const auto& c : columns)
                if (value == c.key) order.by = c.by;
        } else if (name == "order" && (value == "asc" || value == "desc")) {
            order.descending = value == "desc";
        }
    }
    return order;
}

int natural_compare(std::string_view a, std::string_view b) {
    std::size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        if (is_digit(a[i]) && is_digit(b[j])) {
            // Numbers compare by value: without leading zeros, a longer run is larger;
            // runs of the same length compare digit by digit. No overflow at any length.
            while (i < a.size() && a[i] == '0') ++i;
            while (j < b.size() && b[j] == '0') ++j;
            std::size_t end_a = i, end_b = j;
            while (end_a < a.size() && is_digit(a[end_a])) ++end_a;
            while (end_b < b.size() && is_digit(b[end_b])) ++end_b;
            if (end_a - i != end_b - j) return end_a - i < end_b - j ? -1 : 1;
            if (const int c = a.substr(i, end_a - i).compare(b.substr(j, end_b - j))) return sign(c);
            i = end_a;
            j = end_b;
            continue;
        }
        if (const int c = fold_case(a[i]) - fold_case(b[j])) return sign(c);
        ++i;
        ++j;
    }
    return (i < a.size()) - (j < b.size());
}

namespace {

// Strict weak order of a listing: folders first, then each group in `order`.
auto listing_less(listing_order order) {
    return [order](const listing_entry& a, const listing_entry& b) {
        if (a.is_dir != b.is_dir) return a.is_dir;
        const auto by = order.by;
        int c = 0;
        if (by == listing_sort::size && !a.is_dir && a.size != b.size) c = a.size < b.size ? -1 : 1;
        else if (by == listing_sort::date && a.mtime_unix != b.mtime_unix) c = a.mtime_unix < b.mtime_unix ? -1 : 1;
        else if (const int n = natural_compare(a.name, b.name)) c = n;
        else c = sign(a.name.compare(b.name));  // byte order: the same on every OS
        return order.descending ? c > 0 : c < 0;
    };
}

}  // namespace

void sort_listing(std::vector<listing_entry>& entries, listing_order order) {
    std::sort(entries.begin(), entries.end(), listing_less(order));
}

void keep_first(std::vector<listing_entry>& entries, listing_order order, std::size_t limit) {
    if (entries.size() <= limit) return;
    std::nth_element(entries.begin(), entries.begin() + static_cast<std::ptrdiff_t>(limit), entries.end(),
                     listing_less(order));
    entries.resize(limit);
}

std::string render_listing(std::string_view url_path, std::vector<listing_entry> entries, bool is_root,
                           listing_order order, const listing_notes& notes) {
    sort_listing(entries, order);
    const std::string title = "Index of " + html_escape(url_path);

    std::string out;
    out.reserve(600 + entries.size() * 160);
    out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>";
    out += title;
    out += "</title>\n";
    out += page_head_style;
    out += "</head>\n<body>\n<h1>";
    out += title;
    out += "</h1>\n";
    if (notes.total > entries.size()) {
        out += "<p>The first " + std::to_string(entries.size()) + " of " + std::to_string(notes.total) +
               " entries in this order are shown; sort by another column, or the other way, to see others.</p>\n";
    }
    if (notes.left_out > 0) {
        out += notes.left_out == 1 ? std::string("<p>1 name is") : "<p>" + std::to_string(notes.left_out) + " names are";
        out += " not listed: no URL can serve them (control characters, ':' or '\\', or not UTF-8).</p>\n";
    }
    out += "<table>\n<thead><tr>";
    for (const auto& c : columns) append_heading(out, c, order);
    out += "</tr></thead>\n<tbody>\n";
    if (!is_root) append_row(out, "../", "../", "", "");
    for (const auto& e : entries) {
        std::string href = percent_encode_path_segment(e.name);
        std::string label = html_escape(e.name);
        if (e.is_dir) {
            href += '/';
            label += '/';
        }
        append_row(out, href, label, e.is_dir ? "-" : human_size(e.size), format_iso8601_utc(e.mtime_unix));
    }
    out += "</tbody>\n</table>\n</body>\n</html>\n";
    return out;
}

}  // namespace netlab::http
