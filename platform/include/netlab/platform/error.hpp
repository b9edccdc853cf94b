// Portable error kinds. Sockets fail with errno values on POSIX, WSA codes on Windows and
// asio's own categories (netdb, addrinfo, misc) on both; this is the one place where they
// become a small set of kinds with words a user can read, in the manner of libuv's
// uv_translate_sys_error. Everything above platform/ talks in error_kind.
#pragma once

#include <string>
#include <string_view>
#include <system_error>

namespace netlab::platform {

enum class error_kind {
    none,
    refused,              // nothing listens there (RST to SYN)
    timed_out,
    host_unreachable,
    network_unreachable,
    reset,                // connection reset by peer
    aborted,              // connection aborted locally
    broken_pipe,          // wrote after the peer closed
    address_in_use,
    address_not_available,
    access_denied,
    too_many_open_files,
    not_found,            // file or directory does not exist
    is_directory,
    name_not_resolved,    // DNS: no such host
    name_lookup_failed,   // DNS: temporary or other resolver failure
    end_of_stream,        // orderly close by the peer
    cancelled,            // our own cancellation (timer, shutdown)
    would_block,
    message_too_long,
    invalid_argument,
    no_buffer_space,
    other,
};

// The kind of any error code produced by the OS, the C++ library or asio.
error_kind classify(const std::error_code& ec);

// Stable snake_case name of a kind, used as a JSON field value ("refused").
std::string_view kind_name(error_kind kind);

// Words for a kind, the same on every OS ("connection refused").
std::string_view kind_message(error_kind kind);

// Words for an error: the kind's message, or the system's own text for kind `other`;
// for too_many_open_files, the resource and what to do ("out of file descriptors (too
// many open files): raise the limit with `ulimit -n`").
std::string describe(const std::error_code& ec);

namespace detail {
// Implemented per OS: errno values (POSIX) or WSA/Win32 codes (Windows) in system_category.
error_kind classify_system(int code);
}  // namespace detail

}  // namespace netlab::platform
