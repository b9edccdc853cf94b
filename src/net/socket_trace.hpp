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

// For asio::ip::tcp::socket and asio::ip::udp::socket (instantiated for those two).
template <class Protocol, class Executor>
void trace_socket(platform::trace_step step, const asio::basic_socket<Protocol, Executor>& s, std::int64_t bytes = -1,
                  const std::error_code& ec = {}, std::string detail = {});

void trace_acceptor(platform::trace_step step, const asio::ip::tcp::acceptor& a, const std::error_code& ec = {},
                    std::string detail = {});

// Closes the socket (for TCP shutdown is not needed: close sends FIN) and traces it.
template <class Protocol, class Executor>
void traced_close(asio::basic_socket<Protocol, Executor>& s);

}  // namespace netlab::net
