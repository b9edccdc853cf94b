#include <poll.h>
#include <unistd.h>

#include <cerrno>

#include "netlab/platform/stdio.hpp"

namespace netlab::platform {

void set_binary_stdout() {}  // POSIX streams are always binary

std::FILE* open_output_file(const std::string& utf8_path) { return std::fopen(utf8_path.c_str(), "wb"); }

bool write_to_handle(std::FILE* f, std::string_view bytes) {
    const int fd = ::fileno(f);
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n > 0) {
            bytes.remove_prefix(static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            // Someone made the stream non-blocking (it may be shared with a shell): wait.
            pollfd p{fd, POLLOUT, 0};
            ::poll(&p, 1, -1);
            continue;
        }
        return false;
    }
    return true;
}

}  // namespace netlab::platform
