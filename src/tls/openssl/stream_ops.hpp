// What the client and the server stream do alike over asio::ssl: reading (a close
// without close_notify is the end of the stream), writing everything, and reading what a
// finished handshake agreed on. Internal to the OpenSSL implementation.
#pragma once

#include <openssl/ssl.h>

#include <asio/ip/tcp.hpp>
#include <asio/ssl/stream.hpp>
#include <span>

#include "tls/client.hpp"

namespace netlab::tls::detail {

using ssl_stream = asio::ssl::stream<asio::ip::tcp::socket&>;

asio::awaitable<io_result> read_some(ssl_stream& stream, asio::mutable_buffer buffer);
// What can be read without waiting, or would_block.
io_result read_ready(ssl_stream& stream, asio::mutable_buffer buffer);
asio::awaitable<io_result> write_all(ssl_stream& stream, std::span<const asio::const_buffer> buffers);

// Version, cipher and ALPN of a finished handshake (the peer certificate is left alone).
void describe_session(SSL* ssl, session_info& session);

}  // namespace netlab::tls::detail
