#include "http/listing.hpp"

#include <algorithm>
#include <array>

#include "http/http_date.hpp"
#include "http/path.hpp"

namespace netlab::http {
namespace {

// Inline so the page needs no second request; no JS so it works under any CSP.
constexpr std::string_view page_head_style =
    "<style>"
    "body{font-family:system-ui,sans-serif;margin:2em;color:#222}"
    "table{border-collapse:collapse}"
    "th,td{padding:.25em 1.5em .25em 0;text-align:left}"
    "td.size{text-align:right;font-variant-numeric:tabular-nums}"
    "a{text-decoration:none}a:hover{text-decoration:underline}"
    "</style>\n";

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

std::string render_listing(std::string_view url_path, std::vector<listing_entry> entries, bool is_root) {
    std::sort(entries.begin(), entries.end(), [](const listing_entry& a, const listing_entry& b) {
        if (a.is_dir != b.is_dir) return a.is_dir;
        return a.name < b.name;  // char_traits<char> compares as unsigned char: byte order
    });
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
    out += "</h1>\n<table>\n<thead><tr><th>Name</th><th>Size</th><th>Modified</th></tr></thead>\n<tbody>\n";
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
