#include "server/static_site.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <vector>

#include "http/grammar.hpp"
#include "http/http_date.hpp"
#include "http/listing.hpp"
#include "http/path.hpp"
#include "http/range.hpp"
#include "netlab/platform/error.hpp"
#include "server/stock_replies.hpp"

namespace netlab::server {
namespace {

namespace fs = std::filesystem;

fs::path from_utf8(std::string_view s) {
    return fs::path(std::u8string(reinterpret_cast<const char8_t*>(s.data()), s.size()));
}

std::string to_utf8(const fs::path& p) {
    const auto u8 = p.u8string();
    return std::string(reinterpret_cast<const char*>(u8.data()), u8.size());
}

constexpr auto trim = http::grammar::trim_ows;

const char* html_type = "text/html; charset=utf-8";

// A file-system error as an answer, as nginx's static handler chooses (absent or a name
// too long: 404; not allowed or a symlink loop: 403), except that running out of
// descriptors or memory is 503 with Retry-After rather than nginx's 500: it passes, and
// the client may try again, where a 404 would be cached and taken for a deletion. Anything
// else is 500. The OS's words go to the access log.
void answer_error(response& res, const std::error_code& ec, bool is_head, std::string_view doing) {
    int status = 500;
    switch (platform::classify(ec)) {
        case platform::error_kind::not_found: status = 404; break;
        case platform::error_kind::access_denied: status = 403; break;
        case platform::error_kind::too_many_open_files:
        case platform::error_kind::no_buffer_space: status = 503; break;
        default:
            if (ec == std::errc::filename_too_long) status = 404;
            else if (ec == std::errc::too_many_symbolic_link_levels) status = 403;
            else if (ec == std::errc::not_enough_memory) status = 503;
    }
    stock_reply(res, status, is_head);
    if (status == 503) res.head.append("Retry-After: 1\r\n");
    if (status != 404) res.error = fmt::format("{}: {}", doing, platform::describe(ec));
}

// A listing shows this many entries at most (the first in its order): a page of a million
// rows helps nobody, and a browser stalls on it.
constexpr std::size_t max_listing_entries = 10'000;

}  // namespace

bool etag_matches(std::string_view list, std::string_view etag) {
    list = trim(list);
    if (list == "*") return true;
    const auto opaque = [](std::string_view t) { return t.substr(0, 2) == "W/" ? t.substr(2) : t; };
    while (!list.empty()) {
        const auto comma = list.find(',');
        const auto item = trim(list.substr(0, comma));
        if (!item.empty() && opaque(item) == opaque(etag)) return true;
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    return false;
}

static_site::static_site(const server_config& config, std::error_code& ec) : config_(config) {
    root_ = fs::canonical(config.root, ec);
    if (!ec && !fs::is_directory(root_, ec) && !ec) ec = std::make_error_code(std::errc::not_a_directory);
}

// The rules that hold for the real path behind a request, after symlinks: inside the
// root (unless --follow-symlinks), and no dot-named component (unless --hidden), so
// neither a link like cfg -> .git nor a Windows short name like GIT~1 reveals a dotfile.
static_site::access static_site::check_real_path(const fs::path& p) const {
    if (config_.follow_symlinks && config_.hidden) return access::ok;
    std::error_code ec;
    const auto real = fs::canonical(p, ec);
    if (ec) return access::denied;
    const auto rel = real.lexically_relative(root_);
    if (rel.empty() || *rel.begin() == "..") return config_.follow_symlinks ? access::ok : access::denied;
    if (!config_.hidden) {
        for (const auto& part : rel) {
            const auto name = part.native();
            if (name.size() > 1 && name[0] == '.') return access::denied;
        }
    }
    return access::ok;
}

void static_site::respond(const http::request_head& req, file_cache& cache, response& res) const {
    const bool is_head = req.method == "HEAD";
    if (req.method == "OPTIONS") return answer_options(req, res);
    if (req.method != "GET" && !is_head) return stock_reply(res, 405, false);

    // Fast path: this exact path was resolved and checked before (and, if it is kept in
    // memory, is unchanged).
    const std::string_view key = req.path;
    if (auto entry = cache.lookup(key)) {
        if (entry->in_memory) return serve_file(req, is_head, entry, nullptr, res);
        return open_and_serve(req, is_head, entry->fs_path, key, cache, res);
    }

    const auto np = http::normalize_target(req.path);
    switch (np.error) {
        case http::path_error::none: break;
        case http::path_error::traversal:
        case http::path_error::backslash: return stock_reply(res, 403, is_head);
        case http::path_error::above_root:  // nginx, too, answers 400 for "/../x"
        default: return stock_reply(res, 400, is_head);
    }
    // Dotfiles (.git, .env) are treated as absent, so their existence is not revealed.
    if (np.has_dot_segment_hidden && !config_.hidden) return stock_reply(res, 404, is_head);

    fs::path full = root_;
    std::string canonical_target = "/";  // the one spelling of this path that is cached
    std::string location = "/";          // the same, percent-encoded, for redirects
    for (const auto& seg : np.segments) {
        full /= from_utf8(seg);
        canonical_target += seg + "/";
        location += http::percent_encode_path_segment(seg) + "/";
    }
    if (!np.segments.empty() && !np.trailing_slash) canonical_target.pop_back();
    // Other spellings (//a, /./a, /%61) are served but not cached, so they cannot crowd
    // the cache out.
    const bool cacheable = key == canonical_target;

    std::error_code ec;
    const auto st = platform::stat_path(full, ec);
    if (ec) return answer_error(res, ec, is_head, "cannot look at the path");
    if (!np.segments.empty() && check_real_path(full) != access::ok) return stock_reply(res, 404, is_head);

    if (st.is_directory) {
        if (!np.trailing_slash && !np.segments.empty()) {
            // Relative links in the folder's page need the slash form (RFC 9110 §15.4.2).
            // Built from the decoded segments, never from the raw target: "//evil" must
            // not become a protocol-relative Location.
            location += req.query;
            stock_reply(res, 301, is_head);
            res.head.append("Location: ").append(location).append("\r\n");
            return;
        }
        // Here the target ends in '/', so its canonical spelling is the listing's path.
        return serve_folder(req, is_head, full, canonical_target, np.segments.empty(), cache,
                            cacheable ? key : std::string_view{}, res);
    }
    // "/a.txt/" names a folder that does not exist: 404, as nginx (ENOTDIR) and python's
    // http.server answer; serving the file there would break its relative links.
    if (!st.is_regular || np.trailing_slash) return stock_reply(res, 404, is_head);
    open_and_serve(req, is_head, full, cacheable ? key : std::string_view{}, cache, res);
}

// Opens first, then answers from what the open file is: its validators from the handle,
// its bytes from the same handle (or from memory read through it). A rename over the path
// meanwhile changes neither.
void static_site::open_and_serve(const http::request_head& req, bool is_head, const fs::path& path,
                                 std::string_view cache_key, file_cache& cache, response& res) const {
    std::error_code ec;
    auto file = std::make_shared<platform::read_only_file>(platform::read_only_file::open(path, ec));
    if (ec) return answer_error(res, ec, is_head, "cannot open the file");
    const auto entry = cache.entry_for(cache_key, path, *file, ec);
    if (!entry) return answer_error(res, ec, is_head, "cannot read the file");
    serve_file(req, is_head, entry, entry->in_memory ? nullptr : std::move(file), res);
}

void static_site::answer_options(const http::request_head& req, response& res) const {
    res.status = 204;
    head_builder h(res.head, 204);
    h.field("Allow", "GET, HEAD, OPTIONS");
    if (!config_.cors) return;
    // A CORS preflight: say which methods and request headers a page may use.
    h.field("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS").field("Access-Control-Max-Age", "86400");
    if (const auto* asked = http::find_header(req.headers, "Access-Control-Request-Headers")) {
        const bool plain = std::all_of(asked->value.begin(), asked->value.end(), [](char c) {
            return http::grammar::is_tchar(c) || c == ',' || c == ' ';
        });
        if (plain) h.field("Access-Control-Allow-Headers", asked->value);
    }
}

void static_site::serve_folder(const http::request_head& req, bool is_head, const fs::path& dir,
                               std::string_view url_path, bool is_root, file_cache& cache, std::string_view cache_key,
                               response& res) const {
    std::error_code ec;
    const auto index = dir / "index.html";
    if (const auto st = platform::stat_path(index, ec); !ec && st.is_regular && check_real_path(index) == access::ok)
        return open_and_serve(req, is_head, index, cache_key, cache, res);
    if (!config_.listing) return stock_reply(res, 403, is_head);

    // Every entry is gathered and sorted before the cut at max_listing_entries, and the
    // page and the log say when there was one. An unreadable folder is 403, as in nginx.
    const auto order = http::parse_listing_order(req.query.empty() ? req.query : req.query.substr(1));
    std::vector<http::listing_entry> entries;
    http::listing_notes notes;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        std::string name = to_utf8(it->path().filename());
        if (!config_.hidden && !name.empty() && name.front() == '.') continue;
        // A name no URL can reach is left out, rather than shown with a link that fails.
        if (!http::is_servable_name(name)) {
            ++notes.left_out;
            continue;
        }
        std::error_code sec;
        // A link that leads where it could not be served is not shown either.
        if (it->is_symlink(sec) && check_real_path(it->path()) != access::ok) continue;
        const auto st = platform::stat_path(it->path(), sec);
        if (sec) continue;  // a dangling symlink: nothing to serve there
        entries.push_back({std::move(name), st.is_directory, st.size, st.mtime_s});
        ++notes.total;
        if (entries.size() == 2 * max_listing_entries) http::keep_first(entries, order, max_listing_entries);
    }
    if (ec) return answer_error(res, ec, is_head, "cannot read the folder");
    http::keep_first(entries, order, max_listing_entries);
    res.status = 200;
    if (notes.total > entries.size()) {
        res.listing_shown = entries.size();
        res.listing_entries = notes.total;
    }
    res.owned_body = http::render_listing(url_path, std::move(entries), is_root, order, notes);
    res.body = res.owned_body;
    res.head_only = is_head;
    head_builder(res.head, 200)
        .field("Content-Type", html_type)
        .field("Content-Length", static_cast<std::uint64_t>(res.body.size()))
        .field("Cache-Control", "no-cache");
}

void static_site::serve_file(const http::request_head& req, bool is_head,
                             const std::shared_ptr<const cached_file>& entry,
                             std::shared_ptr<platform::read_only_file> file, response& res) const {
    res.head_only = is_head;
    // Conditional requests (RFC 9110 §13.2.2): If-None-Match wins over If-Modified-Since.
    bool not_modified = false;
    if (const auto* inm = http::find_header(req.headers, "If-None-Match")) {
        not_modified = etag_matches(inm->value, entry->etag);
    } else if (const auto* ims = http::find_header(req.headers, "If-Modified-Since")) {
        const auto since = http::parse_http_date(ims->value);
        not_modified = since && entry->status.mtime_s <= *since;
    }
    if (not_modified) {
        res.status = 304;
        head_builder(res.head, 304).field("ETag", entry->etag).field("Last-Modified", entry->last_modified);
        res.head_only = true;
        return;
    }

    std::uint64_t first = 0;
    std::uint64_t length = entry->status.size;
    res.status = 200;
    const auto* range = req.method == "GET" ? http::find_header(req.headers, "Range") : nullptr;
    if (range) {
        // If-Range: the range applies only to the representation the client already has.
        if (const auto* if_range = http::find_header(req.headers, "If-Range")) {
            const auto value = trim(if_range->value);
            const auto date = http::parse_http_date(value);
            const bool same = value == entry->etag || (date && *date == entry->status.mtime_s);
            if (!same) range = nullptr;
        }
    }
    if (range) {
        const auto r = http::parse_range(range->value, entry->status.size);
        if (r.kind == http::range_kind::unsatisfiable) {
            stock_reply(res, 416, false);
            res.head.append("Content-Range: ").append(http::content_range_unsatisfied(entry->status.size)).append("\r\n");
            return;
        }
        if (r.kind == http::range_kind::satisfiable) {
            res.status = 206;
            first = r.range.first;
            length = r.range.last - r.range.first + 1;
        }
    }
    head_builder h(res.head, res.status);
    h.raw(entry->headers).field("Content-Length", length);
    if (res.status == 206) h.field("Content-Range", http::content_range({first, first + length - 1}, entry->status.size));
    if (is_head) return;

    if (entry->in_memory) {
        res.body = std::string_view(entry->content).substr(static_cast<std::size_t>(first), static_cast<std::size_t>(length));
        res.body_keeper = entry;
        return;
    }
    res.file = std::move(file);
    res.file_offset = first;
    res.file_length = length;
}

}  // namespace netlab::server
