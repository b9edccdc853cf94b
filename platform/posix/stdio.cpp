#include "netlab/platform/stdio.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

namespace netlab::platform {

void set_binary_stdout() {}  // POSIX streams are always binary

std::FILE* open_output_file(const std::string& utf8_path) { return std::fopen(utf8_path.c_str(), "wb"); }

bool write_all(std::FILE* f, std::string_view bytes, std::error_code& ec) {
    const int fd = ::fileno(f);
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n >= 0) {
            bytes.remove_prefix(static_cast<std::size_t>(n));
            continue;
        }
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            // Someone made the stream non-blocking (it may be shared with a shell): wait.
            pollfd p{fd, POLLOUT, 0};
            ::poll(&p, 1, -1);
            continue;
        }
        ec.assign(errno, std::system_category());
        return false;
    }
    ec.clear();
    return true;
}

}  // namespace netlab::platform
