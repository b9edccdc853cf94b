// --trace lines for batched datagram calls, the same on every OS: one line per system
// call with the handle, the addresses and the count. Internal to platform/.
#pragma once

#include <asio/ip/udp.hpp>
#include <cstdint>
#include <span>
#include <string>
#include <system_error>

#include "netlab/platform/datagram.hpp"
#include "netlab/platform/trace.hpp"

namespace netlab::platform::detail {

// "127.0.0.1:5000", "[::1]:5000"; IPv4-mapped shown as IPv4.
std::string endpoint_text(const asio::ip::udp::endpoint& ep);

// A receive call that returned `records` from `messages` OS messages (fewer with GRO).
void trace_receive(trace_step step, const asio::ip::udp::socket& s, std::span<const datagram> records,
                   std::size_t messages, const std::error_code& ec);

// A send call that moved `datagrams` datagrams, `segment` bytes each when segmented, to
// `to` (nullptr: the connected peer, or several destinations).
void trace_send(trace_step step, const asio::ip::udp::socket& s, const asio::ip::udp::endpoint* to,
                std::uint64_t datagrams, std::int64_t bytes, std::size_t segment, const std::error_code& ec);

// The one destination of `batch`, or nullptr when it has several (or goes to the peer).
const asio::ip::udp::endpoint* common_destination(std::span<const outgoing> batch);

}  // namespace netlab::platform::detail
