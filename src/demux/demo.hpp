// The demultiplexing demonstration behind `netlab demux-demo`: in one process, on
// loopback, with real sockets, a UDP socket and a TCP listener bound to the same port
// number; N UDP clients each send one datagram and all of them land in the one UDP socket
// (UDP delivers by destination address and port only); N TCP clients connect and each
// connection gets a socket of its own, told apart by its 4-tuple, even two clients on
// the same source port with different source addresses. Every socket call is reported
// through a callback as it returns (and traced for --trace); never prints.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "netlab/platform/trace.hpp"
#include "udp/header.hpp"

namespace netlab::demux {

enum class protocol { udp, tcp };
std::string_view protocol_name(protocol p);  // "udp", "tcp"

// The clients' number at most: their addresses are 127.0.0.2 ... 127.0.0.(N+1).
inline constexpr unsigned max_clients = 16;
// Each step (each wait for the other end) ends within this, so the demo always ends.
inline constexpr std::chrono::milliseconds step_timeout{3000};

struct config {
    std::uint16_t port = 0;  // 0: one that is free for both protocols
    unsigned clients = 3;    // 2 to max_clients
};

// One socket-API call, as it returned. `src` is always the client's end and `dst` the
// server's ("ip:port"), whichever socket made the call: the direction the data goes.
struct call {
    protocol proto = protocol::udp;
    platform::trace_step step = platform::trace_step::socket;  // the call's name: platform::step_name
    std::uint64_t socket = 0;  // the OS handle the call was made on (accept: the new one)
    std::uint64_t listener = 0;  // accept: the listening socket it was called on
    bool server = false;       // a server's socket (the UDP socket, the listener, an accepted one)
    unsigned client = 0;       // 1..N: a client's socket or the connection accepted from it; 0: neither
    std::string src;           // empty while not known (before bind)
    std::string dst;
    std::int64_t bytes = -1;   // sendto/recvfrom/send/recv: bytes moved; recv of 0: the peer closed
    std::error_code error;
    std::string requested;     // bind: the address asked for ("127.0.0.2:0": the OS picks the port)
    std::string detail;        // "AF_INET, SOCK_DGRAM", "backlog 16", "SO_REUSEADDR=1"
    std::string payload;       // what a send carried or a receive returned
    std::optional<udp::udp_header> header;  // recvfrom: the datagram's UDP header (RFC 768)
};

// A pause in the narration: what the next calls will show.
struct step_info {
    unsigned number = 0;  // 1..step_count
    std::optional<protocol> proto;
    std::string title;
    std::string text;
};
inline constexpr unsigned step_count = 7;

// What a server-side socket received, for the picture and the JSON summary of a half.
struct arrival {
    unsigned client = 0;
    std::string src;
    std::size_t bytes = 0;
    std::string payload;
};
struct server_socket {
    std::uint64_t socket = 0;
    bool listener = false;  // the TCP listener: accepts, never carries data
    std::string local;      // its own address
    std::string remote;     // TCP: the client it is connected to
    std::vector<arrival> arrivals;
};
struct half {
    protocol proto = protocol::udp;
    std::vector<server_socket> sockets;
};

struct events {
    std::function<void(const step_info&)> on_step;  // may block (--step waits for Enter here)
    std::function<void(const call&)> on_call;
    std::function<void(const half&)> on_half;        // after each half: who landed where
    std::function<void(std::string_view)> on_note;   // e.g. the fallback to distinct ports
};

struct outcome {
    std::error_code error;  // the first call that failed, or timed_out
    std::string failed;     // that call in words: "bind 127.0.0.1:80"
    std::uint16_t port = 0;
    // Clients on 127.0.0.2, 127.0.0.3, ...; false: all on 127.0.0.1 (the OS has no aliases).
    bool distinct_addresses = false;
    // Two TCP clients shared one source port on different addresses (that port, else 0).
    std::uint16_t shared_source_port = 0;
    half udp;
    half tcp;
    double elapsed_s = 0;  // without the time spent waiting in on_step
};

outcome run(const config& c, const events& ev);

}  // namespace netlab::demux
