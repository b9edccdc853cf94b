// Emits --trace records for socket-API steps taken through asio, filling in the OS
// handle and both addresses from the socket itself: TCP and UDP sockets alike (asio's
// basic_socket<Protocol>) and TCP acceptors. Costs nothing when tracing is off.
#pragma once

#include <asio/ip/tcp.hpp>
#include <asio/ip/udp.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "netlab/platform/trace.hpp"

namespace netlab::net {

// For asio::ip::tcp::socket and asio::ip::udp::socket (instantiated for those two). A
// recv that ends with end of stream is traced as what it is — the peer closed, 0 bytes —
// not as an error.
template <class Protocol, class Executor>
void trace_socket(platform::trace_step step, const asio::basic_socket<Protocol, Executor>& s, std::int64_t bytes = -1,
                  const std::error_code& ec = {}, std::string detail = {});

// A call that names its peer: a connect names the address it tried even when it failed,
// a sendto the address it sent to (an unconnected socket has no remote address of its
// own to report).
template <class Protocol, class Executor>
void trace_to(platform::trace_step step, const asio::basic_socket<Protocol, Executor>& s,
              const asio::ip::basic_endpoint<Protocol>& to, std::int64_t bytes = -1, const std::error_code& ec = {},
              std::string detail = {});

template <class Protocol, class Executor>
void trace_connect(const asio::basic_socket<Protocol, Executor>& s, const asio::ip::basic_endpoint<Protocol>& to,
                   const std::error_code& ec) {
    trace_to(platform::trace_step::connect, s, to, -1, ec);
}

// What a socket() line says was opened: "AF_INET, SOCK_STREAM", "AF_INET6, SOCK_DGRAM".
std::string socket_kind(const asio::ip::tcp& protocol);
std::string socket_kind(const asio::ip::udp& protocol);

// ", Happy Eyeballs attempt 2 of 3" for a socket opened for one of several addresses
// raced (RFC 8305); "" when there is only one.
std::string attempt_text(int index, std::size_t attempts);

// A name lookup (no socket yet, so no handle): the name and every address found, or
// the failure in words. `how` says who answered ("system resolver", "IP literal").
void trace_resolve(const std::string& host, const std::vector<asio::ip::address>& found, const std::error_code& ec,
                   std::string_view how);

// TCP_NODELAY on (small responses and requests go out at once), traced as a setsockopt.
void set_no_delay(asio::ip::tcp::socket& s);

void trace_acceptor(platform::trace_step step, const asio::ip::tcp::acceptor& a, const std::error_code& ec = {},
                    std::string detail = {});

// Closes the socket (for TCP shutdown is not needed: close sends FIN) and traces it.
template <class Protocol, class Executor>
void traced_close(asio::basic_socket<Protocol, Executor>& s);
void traced_close(asio::ip::tcp::acceptor& a);

}  // namespace netlab::net
