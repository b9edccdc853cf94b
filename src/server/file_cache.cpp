#include "server/file_cache.hpp"

#include <fmt/format.h>

#include "http/http_date.hpp"
#include "http/mime_types.hpp"

namespace netlab::server {
namespace {

// Entries kept at most per thread (each holds a path and header lines even when the
// file's bytes are not cached).
constexpr std::size_t max_entries = 16 * 1024;

}  // namespace

bool file_cache::same_version(const platform::file_status& a, const platform::file_status& b) {
    return a.size == b.size && a.mtime_s == b.mtime_s && a.mtime_nsec == b.mtime_nsec && a.identity == b.identity &&
           a.is_regular == b.is_regular;
}

std::shared_ptr<const cached_file> file_cache::lookup(std::string_view key) {
    const auto it = entries_.find(key);
    if (it == entries_.end()) return nullptr;
    if (!it->second->in_memory) return it->second;  // checked against the file once it is open
    // Bytes and validators both come from the entry, so a stat that matches them is enough.
    std::error_code ec;
    const auto now = platform::stat_path(it->second->fs_path, ec);
    if (ec || !same_version(now, it->second->status)) {
        total_bytes_ -= it->second->content.size();
        entries_.erase(it);
        return nullptr;
    }
    return it->second;
}

std::shared_ptr<const cached_file> file_cache::entry_for(std::string_view key, const std::filesystem::path& path,
                                                         const platform::read_only_file& file, std::error_code& ec) {
    ec.clear();
    const auto& status = file.status();
    if (!key.empty()) {
        if (const auto it = entries_.find(key); it != entries_.end() && it->second->fs_path == path &&
                                                 same_version(it->second->status, status))
            return it->second;
    }
    auto entry = std::make_shared<cached_file>();
    entry->fs_path = path;
    entry->status = status;
    // Size, then the modification time to the nanosecond (seconds before 1970 as their
    // 64-bit two's complement): a change of either makes another tag.
    entry->etag = fmt::format("\"{:x}-{:x}.{:x}\"", status.size, static_cast<std::uint64_t>(status.mtime_s),
                              status.mtime_nsec);
    entry->last_modified = http::format_http_date(status.mtime_s);
    const auto name = path.filename().u8string();
    const std::string_view type = http::mime_type_for(std::string_view(reinterpret_cast<const char*>(name.data()), name.size()));
    entry->headers = fmt::format("Content-Type: {}\r\nLast-Modified: {}\r\nETag: {}\r\nAccept-Ranges: bytes\r\n", type,
                                 entry->last_modified, entry->etag);
    if (status.size <= file_limit_) {
        entry->content.resize(static_cast<std::size_t>(status.size));
        std::size_t got = 0;
        while (got < entry->content.size()) {
            const auto n = file.read_at(got, entry->content.data() + got, entry->content.size() - got, ec);
            if (ec) return nullptr;
            if (n == 0) break;
            got += n;
        }
        // Written to in place while read (a rename never does this): the bytes may belong
        // to no version at all, so they are not kept; the file is sent from the handle.
        if (got != status.size) entry->content.clear();
        entry->in_memory = got == status.size;
    }
    // A crude bound on bytes and on entries: when either is spent, start again empty.
    if ((entry->in_memory && total_bytes_ + entry->content.size() > total_limit_) || entries_.size() >= max_entries) {
        entries_.clear();
        total_bytes_ = 0;
    }
    if (key.empty()) return entry;  // served once, not remembered
    if (entry->in_memory) total_bytes_ += entry->content.size();
    auto& slot = entries_[std::string(key)];
    if (slot && slot->in_memory) total_bytes_ -= slot->content.size();
    slot = std::move(entry);
    return slot;
}

}  // namespace netlab::server
