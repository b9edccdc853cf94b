// Opening a listening TCP socket the way a server should on every OS: address reuse
// done right (platform), dual-stack for "::", each socket-API step traced.
#pragma once

#include <asio/ip/tcp.hpp>
#include <system_error>

namespace netlab::net {

// socket -> setsockopt -> bind -> listen. For the IPv6 any-address the socket is
// dual-stack (IPV6_V6ONLY off), so IPv4 clients reach it too.
std::error_code open_listener(asio::ip::tcp::acceptor& acceptor, const asio::ip::tcp::endpoint& at, int backlog);

}  // namespace netlab::net
