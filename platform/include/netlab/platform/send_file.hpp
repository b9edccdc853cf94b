// Zero-copy sending of a file range to a TCP socket: sendfile() on Linux and macOS (their
// signatures differ), TransmitFile on Windows. The bytes go from the page cache to the
// socket without passing through user space. Included only by the code that sends files,
// since it brings in asio's socket types.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <system_error>

#include "netlab/platform/file.hpp"

namespace netlab::platform {

struct send_file_result {
    std::error_code error;
    std::uint64_t bytes = 0;  // bytes the kernel took (before an error, too)
    bool file_ended = false;  // the file held fewer bytes than asked for: it shrank meanwhile
};

// Sends up to `count` bytes of `file` from `offset`: what the socket takes now, and when it
// takes nothing, what it takes once it is writable again, waiting `patience` at most. So it
// returns after each bit of progress, and after `patience` without any (bytes == 0, no
// error): the caller measures its send timeout between successive progress, and a client
// that reads slowly but steadily is told from one that has stopped. (Linux reports a
// socket writable only when a third of its send buffer has drained, which for a grown
// buffer and a slow reader can take longer than any sensible timeout, while the kernel
// would take bytes all along; trying again after `patience` finds them.) Windows: one
// TransmitFile of at most 256 KiB per call, which completes when the bytes are sent;
// `patience` is not used.
asio::awaitable<send_file_result> send_file(asio::ip::tcp::socket& socket, const read_only_file& file,
                                            std::uint64_t offset, std::uint64_t count,
                                            std::chrono::milliseconds patience);

}  // namespace netlab::platform
