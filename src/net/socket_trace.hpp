// Emits --trace records for socket-API steps taken through asio, filling in the OS
// handle and both addresses from the socket itself. Costs nothing when tracing is off.
#pragma once

#include <asio/ip/tcp.hpp>
#include <cstdint>
#include <string>
#include <system_error>

#include "netlab/platform/trace.hpp"

namespace netlab::net {

// A recv that ends with end of stream is traced as what it is — the peer closed, 0 bytes —
// not as an error.
void trace_socket(platform::trace_step step, const asio::ip::tcp::socket& s, std::int64_t bytes = -1,
                  const std::error_code& ec = {}, std::string detail = {});

// A connect names the address it tried even when it failed (an unconnected socket has no
// remote address of its own to report).
void trace_connect(const asio::ip::tcp::socket& s, const asio::ip::tcp::endpoint& to, const std::error_code& ec);

// TCP_NODELAY on (small responses and requests go out at once), traced as a setsockopt.
void set_no_delay(asio::ip::tcp::socket& s);

void trace_acceptor(platform::trace_step step, const asio::ip::tcp::acceptor& a, const std::error_code& ec = {},
                    std::string detail = {});

// Closes the socket (shutdown is not needed: close sends FIN) and traces it.
void traced_close(asio::ip::tcp::socket& s);
void traced_close(asio::ip::tcp::acceptor& a);

}  // namespace netlab::net
