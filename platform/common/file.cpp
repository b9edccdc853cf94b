// The OS-independent part of read_only_file: ownership. Opening, reading and closing
// are in posix/file.cpp and windows/file.cpp.
#include <utility>

#include "netlab/platform/file.hpp"

namespace netlab::platform {

read_only_file::~read_only_file() { close(); }

read_only_file::read_only_file(read_only_file&& other) noexcept
    : handle_(other.handle_), open_(std::exchange(other.open_, false)), status_(other.status_) {}

read_only_file& read_only_file::operator=(read_only_file&& other) noexcept {
    if (this != &other) {
        close();
        handle_ = other.handle_;
        open_ = std::exchange(other.open_, false);
        status_ = other.status_;
    }
    return *this;
}

}  // namespace netlab::platform
