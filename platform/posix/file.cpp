#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "netlab/platform/file.hpp"

namespace netlab::platform {
namespace {

file_status status_of(const struct stat& st) {
    file_status fs;
    fs.exists = true;
    fs.is_directory = S_ISDIR(st.st_mode);
    fs.is_regular = S_ISREG(st.st_mode);
    fs.size = static_cast<std::uint64_t>(st.st_size);
#if defined(__APPLE__)
    const struct timespec& mtime = st.st_mtimespec;
#else
    const struct timespec& mtime = st.st_mtim;
#endif
    fs.mtime_s = static_cast<std::int64_t>(mtime.tv_sec);
    // A file system could store anything; a second has 10^9 nanoseconds at most.
    fs.mtime_nsec = static_cast<std::uint32_t>(std::clamp<long>(mtime.tv_nsec, 0, 999'999'999));
    fs.identity = static_cast<std::uint64_t>(st.st_ino);
    return fs;
}

}  // namespace

read_only_file read_only_file::open(const std::filesystem::path& path, std::error_code& ec) {
    read_only_file f;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        ec.assign(errno, std::system_category());
        return f;
    }
    f.handle_ = fd;
    f.open_ = true;
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        ec.assign(errno, std::system_category());
        f.close();
        return f;
    }
    if (!S_ISREG(st.st_mode)) {
        ec = std::make_error_code(S_ISDIR(st.st_mode) ? std::errc::is_a_directory : std::errc::invalid_argument);
        f.close();
        return f;
    }
    f.status_ = status_of(st);
    ec.clear();
    return f;
}

std::size_t read_only_file::read_at(std::uint64_t offset, void* buf, std::size_t len, std::error_code& ec) const {
    for (;;) {
        const ssize_t n = ::pread(static_cast<int>(handle_), buf, len, static_cast<off_t>(offset));
        if (n >= 0) {
            ec.clear();
            return static_cast<std::size_t>(n);
        }
        if (errno != EINTR) {
            ec.assign(errno, std::system_category());
            return 0;
        }
    }
}

void read_only_file::close() {
    if (open_) ::close(static_cast<int>(handle_));
    open_ = false;
}

file_status stat_path(const std::filesystem::path& path, std::error_code& ec) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        ec.assign(errno, std::system_category());
        return {};
    }
    ec.clear();
    return status_of(st);
}

}  // namespace netlab::platform
