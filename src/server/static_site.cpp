#include "server/static_site.hpp"

#include <algorithm>
#include <vector>

#include "http/http_date.hpp"
#include "http/listing.hpp"
#include "http/path.hpp"
#include "http/range.hpp"
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

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

const char* html_type = "text/html; charset=utf-8";

}  // namespace

void stock_reply(response& res, int status, bool head_only) {
    res.status = status;
    res.body = stock_body(status);
    head_builder h(res.head, status);
    if (status == 405) h.field("Allow", "GET, HEAD, OPTIONS");
    h.field("Content-Type", html_type).field("Content-Length", static_cast<std::uint64_t>(res.body.size()));
    res.head_only = head_only;
}

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

bool static_site::inside_root(const fs::path& p) const {
    std::error_code ec;
    const auto real = fs::canonical(p, ec);
    if (ec) return false;
    const auto rel = real.lexically_relative(root_);
    return !rel.empty() && *rel.begin() != "..";
}

void static_site::respond(const http::request_head& req, file_cache& cache, response& res) const {
    const bool is_head = req.method == "HEAD";
    if (req.method == "OPTIONS") {
        res.status = 204;
        head_builder(res.head, 204).field("Allow", "GET, HEAD, OPTIONS");
        return;
    }
    if (req.method != "GET" && !is_head) return stock_reply(res, 405, false);

    // Fast path: this exact path was resolved and checked before, and is unchanged.
    const std::string_view key = req.target.substr(0, req.target.find('?'));
    if (auto entry = cache.lookup(key)) return serve_file(req, entry, res);

    const auto np = http::normalize_target(req.target);
    switch (np.error) {
        case http::path_error::none: break;
        case http::path_error::traversal:
        case http::path_error::backslash: return stock_reply(res, 403, is_head);
        default: return stock_reply(res, 400, is_head);
    }
    // Dotfiles (.git, .env) are treated as absent, so their existence is not revealed.
    if (np.has_dot_segment_hidden && !config_.hidden) return stock_reply(res, 404, is_head);

    fs::path full = root_;
    for (const auto& seg : np.segments) full /= from_utf8(seg);
    std::error_code ec;
    const auto st = platform::stat_path(full, ec);
    if (ec || !st.exists) return stock_reply(res, 404, is_head);
    if (!config_.follow_symlinks && !np.segments.empty() && !inside_root(full)) return stock_reply(res, 404, is_head);

    if (st.is_directory) {
        if (!np.trailing_slash && !np.segments.empty()) {
            // Relative links in the folder's page need the slash form (RFC 9110 §15.4.2).
            res.status = 301;
            std::string location(key);
            location += '/';
            if (const auto q = req.target.find('?'); q != std::string_view::npos) location += req.target.substr(q);
            stock_reply(res, 301, is_head);
            res.head.append("Location: ").append(location).append("\r\n");
            return;
        }
        return serve_folder(req, full, "/" + np.path + (np.path.empty() ? "" : "/"), np.segments.empty(), cache, key, res);
    }
    if (!st.is_regular) return stock_reply(res, 404, is_head);
    auto entry = cache.insert(key, full, st, ec);
    if (!entry) return stock_reply(res, ec == std::errc::permission_denied ? 403 : 404, is_head);
    serve_file(req, entry, res);
}

void static_site::serve_folder(const http::request_head& req, const fs::path& dir, std::string_view url_path,
                               bool is_root, file_cache& cache, std::string_view cache_key, response& res) const {
    const bool is_head = req.method == "HEAD";
    std::error_code ec;
    const auto index = dir / "index.html";
    if (const auto st = platform::stat_path(index, ec); !ec && st.is_regular) {
        if (config_.follow_symlinks || inside_root(index)) {
            if (auto entry = cache.insert(cache_key, index, st, ec)) return serve_file(req, entry, res);
        }
    }
    if (!config_.listing) return stock_reply(res, 403, is_head);

    std::vector<http::listing_entry> entries;
    for (fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end; !ec && it != end;
         it.increment(ec)) {
        std::string name = to_utf8(it->path().filename());
        if (!config_.hidden && !name.empty() && name.front() == '.') continue;
        std::error_code sec;
        const auto st = platform::stat_path(it->path(), sec);
        if (sec) continue;  // a dangling symlink: nothing to serve there
        entries.push_back({std::move(name), st.is_directory, st.size, st.mtime_ns / 1'000'000'000});
    }
    if (ec) return stock_reply(res, 403, is_head);
    res.status = 200;
    res.owned_body = http::render_listing(url_path, std::move(entries), is_root);
    res.body = res.owned_body;
    res.head_only = is_head;
    head_builder(res.head, 200)
        .field("Content-Type", html_type)
        .field("Content-Length", static_cast<std::uint64_t>(res.body.size()))
        .field("Cache-Control", "no-cache");
}

void static_site::serve_file(const http::request_head& req, const std::shared_ptr<const cached_file>& entry,
                             response& res) const {
    const bool is_head = req.method == "HEAD";
    res.head_only = is_head;
    // Conditional requests (RFC 9110 §13.2.2): If-None-Match wins over If-Modified-Since.
    bool not_modified = false;
    if (const auto* inm = http::find_header(req.headers, "If-None-Match")) {
        not_modified = etag_matches(inm->value, entry->etag);
    } else if (const auto* ims = http::find_header(req.headers, "If-Modified-Since")) {
        const auto since = http::parse_http_date(ims->value);
        not_modified = since && entry->mtime_s <= *since;
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
            const bool same = value == entry->etag || (date && *date == entry->mtime_s);
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
    std::error_code ec;
    auto file = std::make_shared<platform::read_only_file>(platform::read_only_file::open(entry->fs_path, ec));
    if (ec || file->size() < first + length) {
        res.reset();
        return stock_reply(res, ec == std::errc::permission_denied ? 403 : 404, is_head);
    }
    res.file = std::move(file);
    res.file_offset = first;
    res.file_length = length;
}

}  // namespace netlab::server
