// What the POSIX and Windows datagram code share, internal to platform/: addresses from
// the OS's records to asio's, and --trace lines for batched calls (one per system call
// with the handle, the addresses and the count).
#pragma once

#include <asio/ip/udp.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <system_error>

#include "common/socket_record.hpp"
#include "netlab/platform/datagram.hpp"
#include "netlab/platform/trace.hpp"

namespace netlab::platform::detail {

// A sockaddr of `length` bytes (sockaddr_in or sockaddr_in6) as asio's endpoint.
asio::ip::udp::endpoint endpoint_from(const void* name, std::size_t length);

// An IPv4 address as IPv4-mapped IPv6 (::ffff:a.b.c.d); an IPv6 one as it is.
asio::ip::address_v6 as_v6(const asio::ip::address& a);

// Where a datagram went, from what the packet-info record said (nothing: the unspecified
// address): in the socket's own family, so a dual-stack socket shows IPv4 as mapped.
asio::ip::udp::endpoint destination_of(const std::optional<asio::ip::address>& reported, bool v6_socket,
                                       unsigned short local_port);

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
