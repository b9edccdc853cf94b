#include <windows.h>

#include <algorithm>
#include <cstdint>

#include "netlab/platform/file.hpp"

namespace netlab::platform {
namespace {

HANDLE as_handle(native_file f) { return reinterpret_cast<HANDLE>(f); }

file_status status_of(const BY_HANDLE_FILE_INFORMATION& info, DWORD type) {
    file_status fs;
    fs.exists = true;
    fs.is_directory = (info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) != 0;
    // Device names (CON, NUL, COM1) open too; only disk files are regular.
    fs.is_regular = !fs.is_directory && type == FILE_TYPE_DISK;
    fs.size = (static_cast<std::uint64_t>(info.nFileSizeHigh) << 32) | info.nFileSizeLow;
    // FILETIME counts 100 ns ticks since 1601-01-01.
    const std::uint64_t ticks =
        (static_cast<std::uint64_t>(info.ftLastWriteTime.dwHighDateTime) << 32) | info.ftLastWriteTime.dwLowDateTime;
    // Valid FILETIMEs stop at 2^63 - 1 ticks (year 30828); anything above saturates there.
    constexpr std::int64_t ticks_1601_to_1970 = 116444736000000000LL;
    constexpr std::int64_t ticks_per_second = 10'000'000;
    const std::int64_t since_1970 =
        static_cast<std::int64_t>(std::min<std::uint64_t>(ticks, INT64_MAX)) - ticks_1601_to_1970;
    // Floor division: a time before 1970 is a negative second plus a positive fraction.
    fs.mtime_s = since_1970 / ticks_per_second - (since_1970 % ticks_per_second < 0 ? 1 : 0);
    fs.mtime_nsec = static_cast<std::uint32_t>((since_1970 - fs.mtime_s * ticks_per_second) * 100);
    fs.identity = (static_cast<std::uint64_t>(info.nFileIndexHigh) << 32) | info.nFileIndexLow;
    return fs;
}

}  // namespace

read_only_file read_only_file::open(const std::filesystem::path& path, std::error_code& ec) {
    read_only_file f;
    // FILE_SHARE_DELETE so that a file being served can still be replaced or removed.
    HANDLE h = ::CreateFileW(path.c_str(), GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                             nullptr, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL | FILE_FLAG_SEQUENTIAL_SCAN, nullptr);
    if (h == INVALID_HANDLE_VALUE) {
        ec.assign(static_cast<int>(::GetLastError()), std::system_category());
        return f;
    }
    f.handle_ = reinterpret_cast<native_file>(h);
    f.open_ = true;
    BY_HANDLE_FILE_INFORMATION info{};
    if (!::GetFileInformationByHandle(h, &info)) {
        ec.assign(static_cast<int>(::GetLastError()), std::system_category());
        f.close();
        return f;
    }
    if (info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) {
        ec = std::make_error_code(std::errc::is_a_directory);
        f.close();
        return f;
    }
    const DWORD type = ::GetFileType(h);
    if (type != FILE_TYPE_DISK) {  // CON, NUL, COM1, a pipe: not a file to serve
        ec = std::make_error_code(std::errc::invalid_argument);
        f.close();
        return f;
    }
    f.status_ = status_of(info, type);
    ec.clear();
    return f;
}

std::size_t read_only_file::read_at(std::uint64_t offset, void* buf, std::size_t len, std::error_code& ec) const {
    OVERLAPPED ov{};
    ov.Offset = static_cast<DWORD>(offset & 0xFFFFFFFFu);
    ov.OffsetHigh = static_cast<DWORD>(offset >> 32);
    DWORD got = 0;
    const DWORD want = len > 0x7FFFFFFF ? 0x7FFFFFFF : static_cast<DWORD>(len);
    if (!::ReadFile(as_handle(handle_), buf, want, &got, &ov)) {
        const DWORD err = ::GetLastError();
        if (err == ERROR_HANDLE_EOF) {
            ec.clear();
            return 0;
        }
        ec.assign(static_cast<int>(err), std::system_category());
        return 0;
    }
    ec.clear();
    return got;
}

void read_only_file::close() {
    if (open_) ::CloseHandle(as_handle(handle_));
    open_ = false;
}

file_status stat_path(const std::filesystem::path& path, std::error_code& ec) {
    // Opening the path (for no access at all) follows symlinks and junctions, as stat()
    // does, and gives the file index that tells one file from another.
    HANDLE h = ::CreateFileW(path.c_str(), 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                             OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, nullptr);
    if (h == INVALID_HANDLE_VALUE) {
        ec.assign(static_cast<int>(::GetLastError()), std::system_category());
        return {};
    }
    BY_HANDLE_FILE_INFORMATION info{};
    const bool ok = ::GetFileInformationByHandle(h, &info) != 0;
    const DWORD type = ::GetFileType(h);
    ::CloseHandle(h);
    if (!ok) {
        ec.assign(static_cast<int>(::GetLastError()), std::system_category());
        return {};
    }
    ec.clear();
    return status_of(info, type);
}

}  // namespace netlab::platform
