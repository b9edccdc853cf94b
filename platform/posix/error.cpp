#include <cerrno>

#include "netlab/platform/error.hpp"

namespace netlab::platform::detail {

// On POSIX, system_category values are errno values.
error_kind classify_system(int code) {
    switch (code) {
        case ECONNREFUSED: return error_kind::refused;
        case ETIMEDOUT: return error_kind::timed_out;
        case EHOSTUNREACH:
        case EHOSTDOWN: return error_kind::host_unreachable;
        case ENETUNREACH:
        case ENETDOWN: return error_kind::network_unreachable;
        case ECONNRESET: return error_kind::reset;
        case ECONNABORTED: return error_kind::aborted;
        case EPIPE: return error_kind::broken_pipe;
        case EADDRINUSE: return error_kind::address_in_use;
        case EADDRNOTAVAIL: return error_kind::address_not_available;
        case EACCES:
        case EPERM: return error_kind::access_denied;
        case EMFILE:
        case ENFILE: return error_kind::too_many_open_files;
        case ENOENT:
        case ENOTDIR: return error_kind::not_found;
        case EISDIR: return error_kind::is_directory;
        case ECANCELED: return error_kind::cancelled;
        case EAGAIN:
#if EWOULDBLOCK != EAGAIN
        case EWOULDBLOCK:
#endif
            return error_kind::would_block;
        case EMSGSIZE: return error_kind::message_too_long;
        case EINVAL: return error_kind::invalid_argument;
        case ENOBUFS: return error_kind::no_buffer_space;
        default: return error_kind::other;
    }
}

}  // namespace netlab::platform::detail
