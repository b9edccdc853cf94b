// Socket options whose right value differs by OS. Each takes the OS handle of an open
// socket (asio's native_handle()); the address options must be set before bind().
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <system_error>

namespace netlab::platform {

// An OS socket handle: a file descriptor on POSIX, a SOCKET on Windows.
using native_socket = std::uintptr_t;

// Closes a handle that no asio socket owns any more (one released from another io_context
// that no other would take).
void close_socket(native_socket s);

// Let a restarted server bind its port again at once, without letting another process
// steal it: SO_REUSEADDR on POSIX (skips TIME_WAIT); SO_EXCLUSIVEADDRUSE on Windows,
// where SO_REUSEADDR would allow a second process to bind the same port.
std::error_code set_server_address_reuse(native_socket s);
// The option it sets, as the course writes it: "SO_REUSEADDR=1".
std::string_view server_address_reuse_option();

// IPV6_V6ONLY explicitly, since defaults differ (Linux off, Windows and BSD on).
// Off gives a dual-stack listener that also accepts IPv4 as ::ffff:a.b.c.d.
std::error_code set_ipv6_only(native_socket s, bool only);

// After an ICMP port-unreachable, Windows fails the next UDP receive with WSAECONNRESET
// unless SIO_UDP_CONNRESET is switched off; POSIX unconnected sockets report nothing,
// so elsewhere this does nothing.
std::error_code disable_udp_connection_reset(native_socket s);

// Have each received datagram carry the address it was sent to and the interface it
// arrived on: IP_PKTINFO / IPV6_RECVPKTINFO on Linux, IP_RECVDSTADDR (+ IPV6_RECVPKTINFO)
// on macOS and the BSDs, IP_PKTINFO / IPV6_PKTINFO on Windows (read with WSARecvMsg). An
// IPv6 socket that is not IPv6-only asks for both families. Traced as setsockopt.
std::error_code set_receive_destination_address(native_socket s, bool ipv6, bool dual_stack);

// Kernel arrival timestamps on received datagrams (SO_TIMESTAMPNS) where the OS has
// them; an error where it has not (the receive time is then read by the caller).
std::error_code set_receive_timestamps(native_socket s);

// UDP receive coalescing (GRO, Linux 5.0+): the kernel may hand several same-sized
// datagrams from one sender to one receive call. Traced as setsockopt; an error where
// the OS has no such option.
std::error_code set_receive_coalescing(native_socket s);

// Datagrams the kernel has dropped at this socket so far because its receive buffer was
// full (Linux: SO_MEMINFO's drop count); nullopt where the OS does not say.
std::optional<std::uint64_t> receive_drops(native_socket s);

// True when the kernel can segment one send into several datagrams (UDP GSO,
// UDP_SEGMENT, Linux 4.18+). A device may still refuse at send time (EIO).
bool send_segmentation_supported(native_socket s);

}  // namespace netlab::platform
