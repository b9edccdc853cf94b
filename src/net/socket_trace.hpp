// Emits --trace records for socket-API steps taken through asio, filling in the OS
// handle and both addresses from the socket itself. Costs nothing when tracing is off.
#pragma once

#include <asio/ip/tcp.hpp>
#include <cstdint>
#include <string>
#include <system_error>

#include "netlab/platform/trace.hpp"

namespace netlab::net {

void trace_socket(platform::trace_step step, const asio::ip::tcp::socket& s, std::int64_t bytes = -1,
                  const std::error_code& ec = {}, std::string detail = {});

void trace_acceptor(platform::trace_step step, const asio::ip::tcp::acceptor& a, const std::error_code& ec = {},
                    std::string detail = {});

// Closes the socket (shutdown is not needed: close sends FIN) and traces it.
void traced_close(asio::ip::tcp::socket& s);

}  // namespace netlab::net
