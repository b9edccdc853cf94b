// The server side of TLS for serve-http: one context for all workers (a certificate and
// key from files, or an ephemeral self-signed pair made in memory), one stream per
// connection. Like client.hpp, it includes neither asio/ssl nor OpenSSL.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/buffer.hpp>
#include <asio/ip/tcp.hpp>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "tls/client.hpp"
#include "tls/tls.hpp"

namespace netlab::tls {

class server_context {
public:
    // --tls-cert FILE (PEM, the chain after the leaf) and --tls-key FILE. nullptr with `why`
    // when either cannot be read or they do not belong together. An encrypted key is
    // refused with words that say how to decrypt it: OpenSSL's own fallback would ask for
    // a passphrase on the terminal, and a server must not wait at a prompt.
    static std::shared_ptr<server_context> from_files(const std::string& cert_file, const std::string& key_file,
                                                      std::string& why);
    // --tls-self-signed: a P-256 key and a certificate for localhost, 127.0.0.1, ::1 and
    // `extra_names` (an IP literal becomes an IP name, anything else a DNS name), valid
    // from an hour ago for 30 days. nullptr with `why` without TLS.
    static std::shared_ptr<server_context> self_signed(const std::vector<std::string>& extra_names, std::string& why);
    ~server_context();
    server_context(const server_context&) = delete;
    server_context& operator=(const server_context&) = delete;

    // The leaf certificate: SHA-256 fingerprint as "AB:CD:...", and as PEM.
    const std::string& fingerprint() const;
    const std::string& certificate_pem() const;
    // Its subject, names and validity period.
    const certificate_info& certificate() const;
    // Whether the leaf is valid now: clients refuse one that has expired or is not yet valid.
    enum class validity { valid, expired, not_yet_valid };
    validity validity_now() const;

    struct impl;
    impl& get() { return *impl_; }

private:
    explicit server_context(std::unique_ptr<impl> i);
    std::unique_ptr<impl> impl_;
};

class server_stream {
public:
    server_stream(server_context& context, asio::ip::tcp::socket& socket);
    ~server_stream();
    server_stream(const server_stream&) = delete;
    server_stream& operator=(const server_stream&) = delete;

    // ALPN: http/1.1 when the client offers it. `message` says what failed, as the
    // server sees it ("wrong version number (not TLS?)"), without a "handshake failed" prefix.
    asio::awaitable<handshake_result> handshake();
    asio::awaitable<io_result> read_some(asio::mutable_buffer buffer);
    asio::awaitable<io_result> write_some(std::span<const asio::const_buffer> buffers);
    asio::awaitable<io_result> write(std::span<const asio::const_buffer> buffers);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace netlab::tls
