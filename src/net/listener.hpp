// Opening a socket that waits for peers the way a server should on every OS: a TCP
// listener with address reuse done right (platform), or a bound UDP socket; dual-stack
// for "::"; each socket-API step traced.
#pragma once

#include <asio/ip/tcp.hpp>
#include <asio/ip/udp.hpp>
#include <functional>
#include <string>
#include <system_error>

namespace netlab::net {

// Where a server listens given --bind: the one address given ("localhost" is 127.0.0.1),
// or for "" all interfaces — the dual-stack IPv6 any-address first, then IPv4's for hosts
// without IPv6. Calls `open` with each in turn until one succeeds or fails for a reason
// the next cannot fix (a port in use or privileged); returns the last error, or
// invalid_argument for text that is no address.
std::error_code open_on_listen_address(const std::string& bind,
                                       const std::function<std::error_code(const asio::ip::address&)>& open);

// socket -> setsockopt -> bind -> listen. For the IPv6 any-address the socket is
// dual-stack (IPV6_V6ONLY off), so IPv4 clients reach it too.
std::error_code open_listener(asio::ip::tcp::acceptor& acceptor, const asio::ip::tcp::endpoint& at, int backlog);

// socket -> setsockopt -> bind for UDP, dual-stack for the IPv6 any-address. Without
// address reuse: two UDP sockets on one port would split its datagrams between them.
std::error_code open_bound(asio::ip::udp::socket& socket, const asio::ip::udp::endpoint& at);

}  // namespace netlab::net
