#include <winsock2.h>
#include <mswsock.h>
#include <ws2tcpip.h>

#include <string>

#include "netlab/platform/socket_options.hpp"
#include "netlab/platform/trace.hpp"

#ifndef SIO_UDP_CONNRESET
#define SIO_UDP_CONNRESET _WSAIOW(IOC_VENDOR, 12)
#endif
#ifndef SIO_UDP_NETRESET
#define SIO_UDP_NETRESET _WSAIOW(IOC_VENDOR, 15)
#endif

namespace netlab::platform {
namespace {

// Sets the option and traces it as the course writes it: "setsockopt SO_REUSEADDR=1".
std::error_code set_int_option(native_socket s, int level, int name, const char* name_text, int value) {
    std::error_code ec;
    if (::setsockopt(static_cast<SOCKET>(s), level, name, reinterpret_cast<const char*>(&value),
                     sizeof value) != 0)
        ec = {::WSAGetLastError(), std::system_category()};
    emit_trace(trace_step::setsockopt, s, -1, ec, std::string(name_text) + "=" + std::to_string(value));
    return ec;
}

}  // namespace

void close_socket(native_socket s) { ::closesocket(static_cast<SOCKET>(s)); }

std::error_code set_server_address_reuse(native_socket s) {
    // SO_REUSEADDR on Windows lets another socket bind the very same port (hijacking);
    // exclusive use is the safe default, and Windows has no TIME_WAIT bind problem to solve.
    return set_int_option(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, "SO_EXCLUSIVEADDRUSE", 1);
}

std::string_view server_address_reuse_option() { return "SO_EXCLUSIVEADDRUSE=1"; }

std::error_code set_ipv6_only(native_socket s, bool only) {
    return set_int_option(s, IPPROTO_IPV6, IPV6_V6ONLY, "IPV6_V6ONLY", only ? 1 : 0);
}

std::error_code disable_udp_connection_reset(native_socket s) {
    // Both ICMP reports end a receive loop unless switched off: port unreachable as
    // WSAECONNRESET, TTL expired as WSAENETRESET.
    for (const DWORD code : {SIO_UDP_CONNRESET, SIO_UDP_NETRESET}) {
        BOOL report = FALSE;
        DWORD returned = 0;
        if (::WSAIoctl(static_cast<SOCKET>(s), code, &report, sizeof report, nullptr, 0, &returned, nullptr, nullptr) != 0 &&
            code == SIO_UDP_CONNRESET)
            return {::WSAGetLastError(), std::system_category()};
    }
    return {};
}

std::error_code set_receive_destination_address(native_socket s, bool ipv6, bool dual_stack) {
    // WSARecvMsg delivers IP_PKTINFO / IPV6_PKTINFO; a dual-stack socket needs both.
    std::error_code ec;
    if (ipv6) {
        ec = set_int_option(s, IPPROTO_IPV6, IPV6_PKTINFO, "IPV6_PKTINFO", 1);
        if (ec || !dual_stack) return ec;
    }
    const auto v4 = set_int_option(s, IPPROTO_IP, IP_PKTINFO, "IP_PKTINFO", 1);
    return ipv6 ? std::error_code{} : v4;
}

std::error_code set_receive_timestamps(native_socket) { return std::make_error_code(std::errc::not_supported); }

std::error_code set_receive_coalescing(native_socket) { return std::make_error_code(std::errc::not_supported); }

std::optional<std::uint64_t> receive_drops(native_socket) { return std::nullopt; }

bool send_segmentation_supported(native_socket) { return false; }

}  // namespace netlab::platform
