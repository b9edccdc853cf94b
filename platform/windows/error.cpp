#include <winsock2.h>
#include <windows.h>

#include "netlab/platform/error.hpp"

namespace netlab::platform::detail {

// On Windows, system_category values are Win32 and Winsock (WSA*) codes.
error_kind classify_system(int code) {
    switch (code) {
        case WSAECONNREFUSED:
        case ERROR_CONNECTION_REFUSED: return error_kind::refused;
        case WSAETIMEDOUT:
        case ERROR_SEM_TIMEOUT: return error_kind::timed_out;
        case WSAEHOSTUNREACH:
        case WSAEHOSTDOWN:
        case ERROR_HOST_UNREACHABLE: return error_kind::host_unreachable;
        case WSAENETUNREACH:
        case WSAENETDOWN:
        case ERROR_NETWORK_UNREACHABLE: return error_kind::network_unreachable;
        case WSAECONNRESET:
        case WSAENETRESET:
        case ERROR_NETNAME_DELETED: return error_kind::reset;
        case WSAECONNABORTED:
        case ERROR_CONNECTION_ABORTED: return error_kind::aborted;
        case WSAESHUTDOWN:
        case ERROR_BROKEN_PIPE: return error_kind::broken_pipe;
        case WSAEADDRINUSE: return error_kind::address_in_use;
        case WSAEADDRNOTAVAIL: return error_kind::address_not_available;
        case WSAEACCES:
        case ERROR_ACCESS_DENIED: return error_kind::access_denied;
        case WSAEMFILE:
        case ERROR_TOO_MANY_OPEN_FILES: return error_kind::too_many_open_files;
        case ERROR_FILE_NOT_FOUND:
        case ERROR_PATH_NOT_FOUND:
        // A name Windows cannot have ('"', '<', '|'...), one too long, or a path through
        // a file: no such file can exist there (POSIX says ENOENT or ENOTDIR).
        case ERROR_INVALID_NAME:
        case ERROR_BAD_PATHNAME:
        case ERROR_FILENAME_EXCED_RANGE:
        case ERROR_DIRECTORY: return error_kind::not_found;
        case WSAHOST_NOT_FOUND:
        case WSANO_DATA: return error_kind::name_not_resolved;
        case WSATRY_AGAIN:
        case WSANO_RECOVERY: return error_kind::name_lookup_failed;
        case ERROR_OPERATION_ABORTED:
        case WSAECANCELLED: return error_kind::cancelled;
        case WSAEWOULDBLOCK: return error_kind::would_block;
        case WSAEMSGSIZE: return error_kind::message_too_long;
        case WSAEINVAL:
        case ERROR_INVALID_PARAMETER: return error_kind::invalid_argument;
        case WSAENOBUFS: return error_kind::no_buffer_space;
        default: return error_kind::other;
    }
}

}  // namespace netlab::platform::detail
