// Per-thread cache of files by request path: their validators, pre-rendered header
// lines and, for small files, their bytes. A hit costs one stat() to prove the file has
// not changed (size, mtime and inode must all match), so edits show up at once.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>

#include "netlab/platform/file.hpp"

namespace netlab::server {

struct cached_file {
    std::filesystem::path fs_path;
    platform::file_status status;
    std::string etag;           // strong: "size-seconds.nanoseconds" in hex, quoted
    std::string last_modified;  // IMF-fixdate
    std::string headers;        // Content-Type, Last-Modified, ETag, Accept-Ranges lines
    std::string content;        // whole file when it is small enough
    bool in_memory = false;
};

class file_cache {
public:
    file_cache(std::uint64_t file_limit, std::uint64_t total_limit) : file_limit_(file_limit), total_limit_(total_limit) {}

    // The entry for `key`, if there is one and the file is unchanged; else nullptr.
    std::shared_ptr<const cached_file> lookup(std::string_view key);

    // Builds an entry for a regular file that the caller has already checked is allowed
    // to be served, and remembers it under `key` (an empty key: not remembered).
    std::shared_ptr<const cached_file> insert(std::string_view key, const std::filesystem::path& path,
                                              const platform::file_status& status, std::error_code& ec);

    std::size_t size() const { return entries_.size(); }

private:
    struct hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };
    std::unordered_map<std::string, std::shared_ptr<const cached_file>, hash, std::equal_to<>> entries_;
    std::uint64_t file_limit_;
    std::uint64_t total_limit_;
    std::uint64_t total_bytes_ = 0;
};

}  // namespace netlab::server
