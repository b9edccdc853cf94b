#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>

#include <string>

#include "netlab/platform/socket_options.hpp"
#include "netlab/platform/trace.hpp"

namespace netlab::platform {
namespace {

// Sets the option and traces it as the course writes it: "setsockopt SO_REUSEADDR=1".
std::error_code set_int_option(native_socket s, int level, int name, const char* name_text, int value) {
    std::error_code ec;
    if (::setsockopt(static_cast<int>(s), level, name, &value, sizeof value) != 0)
        ec = {errno, std::system_category()};
    emit_trace(trace_step::setsockopt, s, -1, ec, std::string(name_text) + "=" + std::to_string(value));
    return ec;
}

}  // namespace

std::error_code set_server_address_reuse(native_socket s) {
    return set_int_option(s, SOL_SOCKET, SO_REUSEADDR, "SO_REUSEADDR", 1);
}

std::error_code set_ipv6_only(native_socket s, bool only) {
    return set_int_option(s, IPPROTO_IPV6, IPV6_V6ONLY, "IPV6_V6ONLY", only ? 1 : 0);
}

std::error_code disable_udp_connection_reset(native_socket) { return {}; }

}  // namespace netlab::platform
