// The UDP header (RFC 768) of a received datagram, rebuilt from what the socket API gives:
// the ports from the two endpoints, the length from the payload, and the checksum the
// sending stack computed over the IPv4 or IPv6 pseudo-header (the OS strips the header
// itself before a program sees the payload). For udp-listen --headers and the
// demultiplexing demonstration.
#pragma once

#include <asio/ip/address.hpp>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "netlab/platform/datagram.hpp"

namespace netlab::udp {

struct udp_header {
    std::uint16_t source_port = 0;
    std::uint16_t destination_port = 0;
    std::uint16_t length = 0;       // header + payload, in bytes
    std::uint16_t checksum = 0;
    bool checksum_known = false;    // false when the destination address is unknown
};

// RFC 768 with RFC 8200 §8.1 for IPv6: the one's complement of the one's complement sum
// of the pseudo-header (addresses, protocol 17, UDP length), the header with a zero
// checksum field, and the payload padded to an even length; a computed 0 is sent as
// 0xFFFF (0 means "no checksum" over IPv4). IPv4-mapped addresses count as IPv4.
std::uint16_t checksum(const asio::ip::address& source, std::uint16_t source_port,
                       const asio::ip::address& destination, std::uint16_t destination_port,
                       std::span<const std::byte> payload);

udp_header header_of(const platform::datagram& d);

// The header as textbooks draw it, four 16-bit fields in two rows of 32 bits:
//   0              15 16             31
//   +----------------+----------------+
//   |  source port   |destination port|
//   ...
std::string header_box(const udp_header& h);

}  // namespace netlab::udp
