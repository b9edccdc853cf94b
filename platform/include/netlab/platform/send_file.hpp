// Zero-copy sending of a file range to a TCP socket: sendfile() on Linux and macOS (their
// signatures differ), TransmitFile on Windows. The bytes go from the page cache to the
// socket without passing through user space. Included only by the code that sends files,
// since it brings in asio's socket types.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <cstdint>
#include <system_error>

#include "netlab/platform/file.hpp"

namespace netlab::platform {

struct send_file_result {
    std::error_code error;
    std::uint64_t bytes = 0;  // sent before the error, or all of `count`
};

// Sends `count` bytes of `file` from `offset`. Suspends while the socket is full.
asio::awaitable<send_file_result> send_file(asio::ip::tcp::socket& socket, const read_only_file& file,
                                            std::uint64_t offset, std::uint64_t count);

}  // namespace netlab::platform
