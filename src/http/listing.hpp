// HTML directory listing for the static server: one small HTML5 page, no JavaScript.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace netlab::http {

struct listing_entry {
    std::string name;
    bool is_dir;
    std::uint64_t size;
    std::int64_t mtime_unix;
};

// How a listing is sorted: by name (natural order), size or modification date, either way.
enum class listing_sort { name, size, date };
struct listing_order {
    listing_sort by = listing_sort::name;
    bool descending = false;
    bool operator==(const listing_order&) const = default;
};

// The order a listing's query string asks for, in the manner of nginx's fancyindex and
// Apache's mod_autoindex: "sort=name|size|date" and "order=asc|desc", in any order among
// other parameters. Anything unknown is ignored: a stale or mistyped link still lists.
listing_order parse_listing_order(std::string_view query);

// The order people see in file managers and python's http.server: case-insensitive (ASCII
// letters; other bytes compare as bytes, after ASCII), and digit runs compared as numbers,
// so "file2" < "file10" and "apple" < "Banana" < "cherry" < "Zebra". Negative, zero or
// positive like strcmp; zero also for names that differ only in case or leading zeros.
int natural_compare(std::string_view a, std::string_view b);

// Folders first, then files, each group in `order`: by natural name; by size (folders,
// whose size means nothing, by name); or by date. Ties are broken by natural name, then
// byte order, so the result is the same on every OS and locale. Descending reverses each
// group; folders stay first.
void sort_listing(std::vector<listing_entry>& entries, listing_order order);

// Keeps the first `limit` entries in `order` (sort_listing's) and drops the rest, leaving
// them in no particular order: a folder too big to list whole is cut after sorting, not
// in the order the OS gives its names. Linear time; a caller gathering entries can call it
// whenever it holds 2 × limit, so memory stays bounded however big the folder.
void keep_first(std::vector<listing_entry>& entries, listing_order order, std::size_t limit);

// What a page says about entries it does not show.
struct listing_notes {
    std::uint64_t total = 0;     // entries before the cut; more than listed when cut
    std::uint64_t left_out = 0;  // names no URL can serve (control bytes, ':', '\', not UTF-8)
};

// An HTML page listing `entries` in `order` (see sort_listing). Names are HTML-escaped,
// hrefs percent-encoded (folders get trailing '/'); shows size (human, e.g. 1.2 KiB) and
// date (UTC); a "../" link unless at root. The column heads link to the same page sorted by
// that column (the current one's link reverses it). `url_path` is the decoded request path
// shown in the title (escaped). Hrefs are relative, so the page must be served at a URL
// ending in '/' (redirect "/dir" to "/dir/" first). Names are untrusted file-system bytes:
// escaping and encoding are what keep a file called "<script>…" or "javascript:…" inert.
// With `notes`, a line above the table says how many entries were cut or left out.
std::string render_listing(std::string_view url_path, std::vector<listing_entry> entries, bool is_root,
                           listing_order order = {}, const listing_notes& notes = {});

// "512 B", "1.2 KiB", "3.0 MiB": binary units, one decimal, rounded to nearest.
std::string human_size(std::uint64_t bytes);

}  // namespace netlab::http
