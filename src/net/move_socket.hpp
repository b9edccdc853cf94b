// Moving a connected socket from one io_context to another (from one server worker's
// thread to another's), keeping the connection.
#pragma once

#include <asio/ip/tcp.hpp>
#include <system_error>

namespace netlab::net {

// Takes `socket` off its io_context's poller (epoll, kqueue) or completion port and
// registers it with `to`'s; on success `socket` belongs to `to`. It must have no operation
// pending. Fails, leaving the socket where it was, where the OS cannot take a socket off
// its completion port (Windows before 8.1, Wine): asio's release() says
// operation_not_supported. Should `to` refuse it and the old io_context too (a full
// poller), the socket is closed and the error returned.
std::error_code move_socket(asio::ip::tcp::socket& socket, asio::io_context& to);

}  // namespace netlab::net
