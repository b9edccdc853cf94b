// Per-thread cache of files by request path: their validators, pre-rendered header
// lines and, for small files, their bytes. Every entry is made from one open file: its
// validators from that handle's fstat, its bytes read through that handle, so a file
// renamed over meanwhile can never lend one version's length or ETag to the other's bytes.
// A hit on a file kept in memory costs one stat() to prove the file has not changed
// (size, mtime and inode must all match), so edits show up at once; a bigger file is
// opened for each request and its entry checked against the open handle.
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

    // The entry for `key`: one kept in memory if the file is unchanged; one that is not,
    // as it is (open its fs_path and ask entry_for); else nullptr.
    std::shared_ptr<const cached_file> lookup(std::string_view key);

    // The entry for the file the caller has opened (and checked is allowed to be served):
    // the one remembered under `key` if it describes this very version, else a new one
    // made from the handle and remembered under `key` (an empty key: not remembered).
    std::shared_ptr<const cached_file> entry_for(std::string_view key, const std::filesystem::path& path,
                                                 const platform::read_only_file& file, std::error_code& ec);

    std::size_t size() const { return entries_.size(); }

    // True when two statuses describe the same version of the same file.
    static bool same_version(const platform::file_status& a, const platform::file_status& b);

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
