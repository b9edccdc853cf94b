// Socket options whose right value differs by OS. Each takes the OS handle of an open
// socket (asio's native_handle()) and must be called before bind().
#pragma once

#include <cstdint>
#include <system_error>

namespace netlab::platform {

// An OS socket handle: a file descriptor on POSIX, a SOCKET on Windows.
using native_socket = std::uintptr_t;

// Let a restarted server bind its port again at once, without letting another process
// steal it: SO_REUSEADDR on POSIX (skips TIME_WAIT); SO_EXCLUSIVEADDRUSE on Windows,
// where SO_REUSEADDR would allow a second process to bind the same port.
std::error_code set_server_address_reuse(native_socket s);

// IPV6_V6ONLY explicitly, since defaults differ (Linux off, Windows and BSD on).
// Off gives a dual-stack listener that also accepts IPv4 as ::ffff:a.b.c.d.
std::error_code set_ipv6_only(native_socket s, bool only);

// After an ICMP port-unreachable, Windows fails the next UDP receive with WSAECONNRESET
// unless SIO_UDP_CONNRESET is switched off; POSIX unconnected sockets report nothing,
// so elsewhere this does nothing.
std::error_code disable_udp_connection_reset(native_socket s);

}  // namespace netlab::platform
