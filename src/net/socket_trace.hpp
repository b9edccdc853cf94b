// Emits --trace records for socket-API steps taken through asio, filling in the OS
// handle and both addresses from the socket itself: TCP and UDP sockets alike (asio's
// basic_socket<Protocol>) and TCP acceptors. Costs nothing when tracing is off.
#pragma once

#include <asio/ip/tcp.hpp>
#include <asio/ip/udp.hpp>
#include <cstdint>
#include <string>
#include <system_error>

#include "netlab/platform/trace.hpp"

namespace netlab::net {

// For asio::ip::tcp::socket and asio::ip::udp::socket (instantiated for those two). A
// recv that ends with end of stream is traced as what it is — the peer closed, 0 bytes —
// not as an error.
template <class Protocol, class Executor>
void trace_socket(platform::trace_step step, const asio::basic_socket<Protocol, Executor>& s, std::int64_t bytes = -1,
                  const std::error_code& ec = {}, std::string detail = {});

// A connect names the address it tried even when it failed (an unconnected socket has no
// remote address of its own to report).
template <class Protocol, class Executor>
void trace_connect(const asio::basic_socket<Protocol, Executor>& s, const asio::ip::basic_endpoint<Protocol>& to,
                   const std::error_code& ec);

// TCP_NODELAY on (small responses and requests go out at once), traced as a setsockopt.
void set_no_delay(asio::ip::tcp::socket& s);

void trace_acceptor(platform::trace_step step, const asio::ip::tcp::acceptor& a, const std::error_code& ec = {},
                    std::string detail = {});

// Closes the socket (for TCP shutdown is not needed: close sends FIN) and traces it.
template <class Protocol, class Executor>
void traced_close(asio::basic_socket<Protocol, Executor>& s);
void traced_close(asio::ip::tcp::acceptor& a);

}  // namespace netlab::net
