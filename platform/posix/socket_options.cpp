#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <unistd.h>

#if defined(__linux__)
#include <linux/sock_diag.h>
#endif

#include <array>
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

void close_socket(native_socket s) { ::close(static_cast<int>(s)); }

std::error_code set_server_address_reuse(native_socket s) {
    return set_int_option(s, SOL_SOCKET, SO_REUSEADDR, "SO_REUSEADDR", 1);
}

std::string_view server_address_reuse_option() { return "SO_REUSEADDR=1"; }

std::error_code set_ipv6_only(native_socket s, bool only) {
    return set_int_option(s, IPPROTO_IPV6, IPV6_V6ONLY, "IPV6_V6ONLY", only ? 1 : 0);
}

std::error_code disable_udp_connection_reset(native_socket) { return {}; }

std::error_code set_receive_destination_address(native_socket s, bool ipv6, bool dual_stack) {
    std::error_code ec;
    if (ipv6) {
        // Linux reports IPv4 datagrams on a dual-stack socket through IPV6_PKTINFO too,
        // with IPv4-mapped addresses; the BSDs need the IPv4 option as well.
        ec = set_int_option(s, IPPROTO_IPV6, IPV6_RECVPKTINFO, "IPV6_RECVPKTINFO", 1);
        if (ec || !dual_stack) return ec;
    }
#if defined(IP_RECVDSTADDR)
    // macOS and the BSDs: the destination address alone (IP_PKTINFO there is newer and
    // not everywhere).
    const auto v4 = set_int_option(s, IPPROTO_IP, IP_RECVDSTADDR, "IP_RECVDSTADDR", 1);
#else
    const auto v4 = set_int_option(s, IPPROTO_IP, IP_PKTINFO, "IP_PKTINFO", 1);
#endif
    // On an IPv6 socket the IPv4 option is a bonus; only an IPv4 socket needs it.
    return ipv6 ? std::error_code{} : v4;
}

std::error_code set_receive_timestamps(native_socket s) {
#if defined(SO_TIMESTAMPNS)
    return set_int_option(s, SOL_SOCKET, SO_TIMESTAMPNS, "SO_TIMESTAMPNS", 1);
#else
    (void)s;
    return std::make_error_code(std::errc::not_supported);
#endif
}

std::error_code set_receive_coalescing(native_socket s) {
#if defined(UDP_GRO)
    return set_int_option(s, IPPROTO_UDP, UDP_GRO, "UDP_GRO", 1);
#else
    (void)s;
    return std::make_error_code(std::errc::not_supported);
#endif
}

std::optional<std::uint64_t> receive_drops(native_socket s) {
#if defined(__linux__) && defined(SO_MEMINFO)
    std::array<std::uint32_t, SK_MEMINFO_VARS> info{};
    socklen_t len = sizeof info;
    if (::getsockopt(static_cast<int>(s), SOL_SOCKET, SO_MEMINFO, info.data(), &len) != 0 ||
        len < sizeof(std::uint32_t) * (SK_MEMINFO_DROPS + 1))
        return std::nullopt;
    return info[SK_MEMINFO_DROPS];
#else
    (void)s;
    return std::nullopt;
#endif
}

bool send_segmentation_supported(native_socket s) {
#if defined(UDP_SEGMENT)
    // Kernels without GSO do not know the option at all (ENOPROTOOPT).
    int value = 0;
    socklen_t len = sizeof value;
    return ::getsockopt(static_cast<int>(s), IPPROTO_UDP, UDP_SEGMENT, &value, &len) == 0;
#else
    (void)s;
    return false;
#endif
}

}  // namespace netlab::platform
