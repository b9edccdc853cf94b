#include "tls/openssl/stream_ops.hpp"

#include <asio/redirect_error.hpp>
#include <asio/ssl/error.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

namespace netlab::tls::detail {

namespace {

// A close without close_notify is the end of the stream (SSL_OP_IGNORE_UNEXPECTED_EOF).
io_result read_result(std::error_code ec, std::size_t n) {
    if (ec == asio::ssl::error::stream_truncated) ec = asio::error::eof;
    return io_result{ec, n};
}

}  // namespace

asio::awaitable<io_result> read_some(ssl_stream& stream, asio::mutable_buffer buffer) {
    std::error_code ec;
    const std::size_t n = co_await stream.async_read_some(buffer, asio::redirect_error(asio::use_awaitable, ec));
    co_return read_result(ec, n);
}

io_result read_ready(ssl_stream& stream, asio::mutable_buffer buffer) {
    auto& socket = stream.next_layer();
    std::error_code ec;
    // Synchronous calls on this socket fail with would_block instead of waiting (the event
    // loop's own calls are unaffected). A read may make OpenSSL answer the peer (a TLS 1.3
    // key update): that write goes to a download's nearly empty send buffer.
    if (!socket.non_blocking()) socket.non_blocking(true, ec);
    if (ec) return {ec, 0};
    const std::size_t n = stream.read_some(buffer, ec);
    return read_result(ec, n);
}

asio::awaitable<io_result> write_all(ssl_stream& stream, std::span<const asio::const_buffer> buffers) {
    std::error_code ec;
    const std::size_t n = co_await asio::async_write(stream, buffers, asio::redirect_error(asio::use_awaitable, ec));
    co_return io_result{ec, n};
}

void describe_session(SSL* ssl, session_info& session) {
    session.version = SSL_get_version(ssl);
    session.cipher = SSL_CIPHER_get_name(SSL_get_current_cipher(ssl));
    const unsigned char* alpn = nullptr;
    unsigned int alpn_length = 0;
    SSL_get0_alpn_selected(ssl, &alpn, &alpn_length);
    if (alpn != nullptr) session.alpn.assign(reinterpret_cast<const char*>(alpn), alpn_length);
}

}  // namespace netlab::tls::detail
