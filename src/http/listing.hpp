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

// Folders first, then files, each sorted by name (byte order, so the order is the same on
// every OS and locale); names HTML-escaped, hrefs percent-encoded (folders get trailing '/');
// shows size (human, e.g. 1.2 KiB) and date (UTC); a "../" link unless at root. `url_path` is
// the decoded request path shown in the title (escaped). Hrefs are relative, so the page
// must be served at a URL ending in '/' (redirect "/dir" to "/dir/" first). Names are
// untrusted file-system bytes: escaping and encoding are what keep a file called
// "<script>…" or "javascript:…" inert.
std::string render_listing(std::string_view url_path, std::vector<listing_entry> entries, bool is_root);

// "512 B", "1.2 KiB", "3.0 MiB": binary units, one decimal, rounded to nearest.
std::string human_size(std::uint64_t bytes);

}  // namespace netlab::http
