// Datagram I/O beyond what asio offers: each received datagram with the address it was
// sent to (the real destination even on a wildcard bind) and the interface it came in
// on, received and sent in batches where the OS has batched calls (recvmmsg/sendmmsg
// on Linux; asio has none, chriskohlhoff/asio#1062), with UDP segmentation offload
// (GSO, UDP_SEGMENT) and receive coalescing (GRO, UDP_GRO) where the kernel has them.
// Elsewhere one recvmsg / WSARecvMsg per datagram, in a loop. Included only by code that
// moves datagrams, since it brings in asio's socket types.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/ip/udp.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <system_error>

namespace netlab::platform {

// The largest UDP payloads: 65,535 minus the UDP header (8) and, for IPv4, the IP
// header (20); IPv6's payload length excludes its own header.
inline constexpr std::size_t max_udp_payload_v4 = 65507;
inline constexpr std::size_t max_udp_payload_v6 = 65527;

// One received datagram. `bytes` points into the receiver's buffers and stays valid
// until its next receive().
struct datagram {
    std::span<const std::byte> bytes;
    asio::ip::udp::endpoint source;
    // The address and port it was sent to: the real destination even on a wildcard
    // bind; the unspecified address when the OS did not say. On a dual-stack socket an
    // IPv4 datagram has IPv4-mapped addresses in both fields (::ffff:a.b.c.d).
    asio::ip::udp::endpoint destination;
    unsigned interface_index = 0;  // 0 when unknown
    // Arrival time, ns since 1970-01-01 UTC: the kernel's stamp where it gives one
    // (SO_TIMESTAMPNS), else read when the receive call returned.
    std::int64_t arrival_ns = 0;
    bool truncated = false;  // longer than the buffer: `bytes` holds only its start
};

struct receive_options {
    std::size_t batch = 64;             // datagrams (or coalesced groups) per call at most
    std::size_t buffer_size = 65536;    // per datagram; 65,536 holds any UDP payload
    bool coalesce = true;               // UDP GRO where the kernel has it
};

// Receives on a bound (or connected) socket. Asks the OS for each datagram's destination
// address and, when `coalesce`, for GRO; a coalesced group is handed out as the
// datagrams it holds, one record each. Allocates only when constructed.
class datagram_receiver {
public:
    datagram_receiver(asio::ip::udp::socket& socket, const receive_options& options = {});
    ~datagram_receiver();
    datagram_receiver(const datagram_receiver&) = delete;
    datagram_receiver& operator=(const datagram_receiver&) = delete;

    // Waits until at least one datagram is there, then takes what is queued, up to the
    // batch. A connected socket reports an ICMP port-unreachable as connection_refused.
    asio::awaitable<std::error_code> receive();
    // The datagrams the last receive() returned.
    std::span<const datagram> received() const;
    // True when the kernel coalesces (GRO is on).
    bool coalescing() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

// One datagram to send, or with `segment_size` several of that size back to back (the
// last may be shorter), which goes out as one GSO call where the kernel can segment it.
struct outgoing {
    std::span<const std::byte> bytes;
    const asio::ip::udp::endpoint* destination = nullptr;  // nullptr: the connected peer
    // Send from this local address (the one a datagram to be answered arrived on), so an
    // echo comes back from where the peer sent to; nullptr: the OS chooses.
    const asio::ip::address* source = nullptr;
    std::size_t segment_size = 0;  // 0: one datagram
};

struct send_result {
    std::error_code error;
    std::uint64_t datagrams = 0;  // sent before the error, or all
    std::uint64_t calls = 0;      // system calls made (for CPU-per-datagram figures)
};

class datagram_sender {
public:
    // `segmentation`: use UDP GSO when the kernel has it; it is switched off for good at
    // the first EIO/EINVAL (a device or path that cannot segment), and that call's
    // datagrams are sent again one by one.
    datagram_sender(asio::ip::udp::socket& socket, bool segmentation);
    ~datagram_sender();
    datagram_sender(const datagram_sender&) = delete;
    datagram_sender& operator=(const datagram_sender&) = delete;

    // Segments one GSO call may carry: 1 without GSO.
    std::size_t max_segments() const;

    // Sends every datagram in `batch`, waiting while the socket buffer is full.
    asio::awaitable<send_result> send(std::span<const outgoing> batch);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace netlab::platform
