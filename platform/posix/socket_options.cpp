#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>

#include "netlab/platform/socket_options.hpp"

namespace netlab::platform {
namespace {

std::error_code set_int_option(native_socket s, int level, int name, int value) {
    if (::setsockopt(static_cast<int>(s), level, name, &value, sizeof value) != 0)
        return {errno, std::system_category()};
    return {};
}

}  // namespace

std::error_code set_server_address_reuse(native_socket s) {
    return set_int_option(s, SOL_SOCKET, SO_REUSEADDR, 1);
}

std::error_code set_ipv6_only(native_socket s, bool only) {
    return set_int_option(s, IPPROTO_IPV6, IPV6_V6ONLY, only ? 1 : 0);
}

std::error_code disable_udp_connection_reset(native_socket) { return {}; }

}  // namespace netlab::platform
