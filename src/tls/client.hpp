// The client side of TLS over a connected TCP socket: one context per transfer (the trust
// store is read once), one stream per connection. Reads and writes end with the same
// error codes as the plain socket's (eof at the end, operation_aborted when the socket is
// closed under them), so the transfer treats both alike.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/buffer.hpp>
#include <asio/ip/tcp.hpp>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <system_error>

#include "tls/tls.hpp"

namespace netlab::tls {

class client_context {
public:
    // Reads --cacert / --capath or opens the system store (a hashed folder is read
    // lazily, one file per issuer looked up). nullptr, with `why` (failure and words),
    // when the CA file cannot be used or the build has no TLS.
    static std::unique_ptr<client_context> create(const client_config& config, failure& error, std::string& why);
    ~client_context();
    client_context(const client_context&) = delete;
    client_context& operator=(const client_context&) = delete;

    struct impl;
    impl& get() { return *impl_; }

private:
    explicit client_context(std::unique_ptr<impl> i);
    std::unique_ptr<impl> impl_;
};

struct io_result {
    std::error_code error;
    std::size_t bytes = 0;
};

struct handshake_result {
    failure error = failure::none;
    std::string message;       // which check failed, in words; empty on success
    std::error_code io_error;  // the socket's error when it was one (operation_aborted after a timeout)
    session_info session;      // filled on success; its peer also after a certificate failure
};

class client_stream {
public:
    // `socket` is connected and outlives the stream.
    client_stream(client_context& context, asio::ip::tcp::socket& socket);
    ~client_stream();
    client_stream(const client_stream&) = delete;
    client_stream& operator=(const client_stream&) = delete;

    // SNI (names only, never IP literals: RFC 6066 §3), ALPN http/1.1, and, unless -k,
    // chain and host-name verification: names against DNS SANs, IP literals against IP SANs.
    asio::awaitable<handshake_result> handshake(std::string host);
    asio::awaitable<io_result> read_some(asio::mutable_buffer buffer);
    // What can be read without waiting: a record already received (in the socket or
    // here), or would_block. For reading on after read_some: one system call per record,
    // where a wait through the event loop would add a turn of the loop.
    io_result read_ready(asio::mutable_buffer buffer);
    asio::awaitable<io_result> write(std::span<const asio::const_buffer> buffers);
    // After a failed write: reads what has already arrived, without waiting, and returns
    // the TLS error it ends in (the alert the server sent before it closed), or an empty
    // code when there is none. A TLS 1.3 server that refuses the client's certificate
    // sends certificate_required and closes; when it closes with our bytes unread, its
    // reset can fail the next write before any read has seen the alert that says why.
    std::error_code alert_after_failed_write();
    // Decrypted bytes already read from the socket but not yet by read_some.
    std::size_t pending() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace netlab::tls
