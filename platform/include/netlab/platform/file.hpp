// A file opened for reading by its OS handle, so that it can be sent with sendfile /
// TransmitFile and read at an offset without a shared file position (several requests
// may read one cached handle).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <system_error>

namespace netlab::platform {

// A file descriptor on POSIX, a HANDLE on Windows.
using native_file = std::intptr_t;

// What one stat() says about a path (symlinks followed), or fstat() about an open file.
// Cheap enough to call for every request to check that a cached file has not changed.
struct file_status {
    bool exists = false;
    bool is_directory = false;
    bool is_regular = false;
    std::uint64_t size = 0;
    // Modification time as seconds since 1970-01-01 UTC (negative before) plus the
    // nanoseconds into that second: nanoseconds alone overflow 64 bits after 2262.
    std::int64_t mtime_s = 0;
    std::uint32_t mtime_nsec = 0;  // 0..999,999,999
    std::uint64_t identity = 0;  // inode (POSIX) / file index (Windows) where cheap; else 0
};

file_status stat_path(const std::filesystem::path& path, std::error_code& ec);

class read_only_file {
public:
    read_only_file() = default;
    ~read_only_file();
    read_only_file(read_only_file&& other) noexcept;
    read_only_file& operator=(read_only_file&& other) noexcept;
    read_only_file(const read_only_file&) = delete;
    read_only_file& operator=(const read_only_file&) = delete;

    // Opens a regular file for reading; a folder or a missing file is an error.
    static read_only_file open(const std::filesystem::path& path, std::error_code& ec);

    bool is_open() const { return open_; }
    native_file handle() const { return handle_; }
    // What the open file is, asked of the handle (fstat / GetFileInformationByHandle) when it
    // was opened: if the path is renamed over meanwhile, this still describes these bytes.
    const file_status& status() const { return status_; }
    std::uint64_t size() const { return status_.size; }

    // Reads up to `len` bytes at `offset` (pread / ReadFile with an offset); returns the
    // count, 0 at end of file.
    std::size_t read_at(std::uint64_t offset, void* buf, std::size_t len, std::error_code& ec) const;

    void close();

private:
    native_file handle_ = 0;
    bool open_ = false;
    file_status status_;
};

}  // namespace netlab::platform
