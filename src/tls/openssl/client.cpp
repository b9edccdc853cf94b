#include "tls/client.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <asio/ip/address.hpp>
#include <asio/redirect_error.hpp>
#include <asio/ssl/context.hpp>
#include <asio/ssl/error.hpp>
#include <asio/ssl/stream.hpp>
#include <asio/ssl/verify_context.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <fmt/format.h>
#include <optional>
#include <vector>

#include "netlab/platform/root_certificates.hpp"
#include "tls/openssl/certificate.hpp"
#include "tls/openssl/stream_ops.hpp"

namespace netlab::tls {
namespace {

int protocol_number(version v) {
    switch (v) {
        case version::tls1_2: return TLS1_2_VERSION;
        case version::tls1_3: return TLS1_3_VERSION;
        case version::any: break;
    }
    return 0;
}

// The words of the last OpenSSL error on this thread, or `fallback`.
std::string openssl_reason(std::string_view fallback) {
    const unsigned long e = ERR_peek_last_error();
    ERR_clear_error();
    const char* reason = e != 0 ? ERR_reason_error_string(e) : nullptr;
    return reason != nullptr ? std::string(reason) : std::string(fallback);
}

// A folder hashed by c_rehash ("5ed36f99.0" names): OpenSSL then reads only the files of
// the issuers it looks up, where a bundle file is parsed whole at start (curl's cost).
bool has_hashed_certificates(const std::filesystem::path& dir) {
    std::error_code ec;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const auto name = it->path().filename().string();
        if (name.size() == 10 && name.ends_with(".0")) return true;
    }
    return false;
}

// The system store: Windows' ROOT store where the platform lists one (skipping, one by
// one, certificates OpenSSL cannot parse, as curl#18190 does), then OpenSSL's defaults
// (SSL_CERT_FILE / SSL_CERT_DIR when set), the hashed folder in preference to the bundle.
void use_system_store(SSL_CTX* ctx) {
    X509_STORE* store = SSL_CTX_get_cert_store(ctx);
    for (const auto& der : platform::system_root_certificates()) {
        const unsigned char* p = der.data();
        X509* cert = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
        if (cert == nullptr) continue;
        X509_STORE_add_cert(store, cert);  // a duplicate is refused, harmlessly
        X509_free(cert);
    }
    ERR_clear_error();
    const char* env_file = std::getenv(X509_get_default_cert_file_env());
    const char* env_dir = std::getenv(X509_get_default_cert_dir_env());
    if (env_file != nullptr || env_dir != nullptr || !has_hashed_certificates(X509_get_default_cert_dir()))
        SSL_CTX_set_default_verify_paths(ctx);
    else
        SSL_CTX_load_verify_dir(ctx, X509_get_default_cert_dir());
    ERR_clear_error();  // a missing default file or folder is not an error: nothing trusted
}

bool use_ca_options(SSL_CTX* ctx, const client_config& config, std::string& why) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!config.ca_file.empty()) {
        if (!fs::is_regular_file(config.ca_file, ec)) {
            why = fmt::format("cannot use --cacert {}: {}", config.ca_file,
                              fs::exists(config.ca_file, ec) ? "not a file" : "no such file");
            return false;
        }
        if (SSL_CTX_load_verify_file(ctx, config.ca_file.c_str()) != 1) {
            why = fmt::format("cannot use --cacert {}: {} (expected PEM certificates)", config.ca_file,
                              openssl_reason("no certificate in it"));
            return false;
        }
    }
    if (!config.ca_path.empty()) {
        if (!fs::is_directory(config.ca_path, ec) || SSL_CTX_load_verify_dir(ctx, config.ca_path.c_str()) != 1) {
            why = fmt::format("cannot use --capath {}: not a folder", config.ca_path);
            ERR_clear_error();
            return false;
        }
    }
    return true;
}

// PEM's two ways of saying so: "BEGIN ENCRYPTED PRIVATE KEY" (PKCS#8) and the older
// "Proc-Type: 4,ENCRYPTED" header.
bool is_encrypted_key(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    std::string head(8192, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    return head.find("ENCRYPTED") != std::string::npos;
}

// --cert and --key: the certificate (and any chain after it) and a private key that
// matches it. An encrypted key is refused instead of OpenSSL asking for a passphrase on
// the terminal, which would hang a script.
bool use_client_certificate(SSL_CTX* ctx, const client_config& config, std::string& why) {
    namespace fs = std::filesystem;
    const std::string& key = config.key_file.empty() ? config.cert_file : config.key_file;
    const char* key_option = config.key_file.empty() ? "--cert" : "--key";
    std::error_code ec;
    for (const auto& [option, file] : {std::pair{"--cert", config.cert_file}, std::pair{key_option, key}}) {
        if (!fs::is_regular_file(file, ec)) {
            why = fmt::format("cannot use {} {}: {}", option, file, fs::exists(file, ec) ? "not a file" : "no such file");
            return false;
        }
    }
    if (SSL_CTX_use_certificate_chain_file(ctx, config.cert_file.c_str()) != 1) {
        why = fmt::format("cannot use --cert {}: {} (expected a PEM certificate)", config.cert_file,
                          openssl_reason("no certificate in it"));
        return false;
    }
    SSL_CTX_set_default_passwd_cb(ctx, [](char*, int, int, void*) { return 0; });
    const bool key_loaded = SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM) == 1;
    if (!key_loaded && ERR_GET_REASON(ERR_peek_last_error()) != X509_R_KEY_VALUES_MISMATCH) {
        if (is_encrypted_key(key)) {
            ERR_clear_error();
            why = fmt::format("cannot use {} {}: the key is encrypted and netlab asks for no passphrase "
                              "(decrypt it first: openssl pkey -in {} -out plain.key)", key_option, key, key);
        } else {
            why = fmt::format("cannot use {} {}: {} (expected an unencrypted PEM private key)", key_option, key,
                              openssl_reason("no private key in it"));
        }
        return false;
    }
    if (!key_loaded || SSL_CTX_check_private_key(ctx) != 1) {
        why = fmt::format("cannot use {} {}: the key does not match the certificate in --cert {}", key_option, key,
                          config.cert_file);
        ERR_clear_error();
        return false;
    }
    return true;
}

}  // namespace

bool available() { return true; }
std::string library_version() { return OpenSSL_version(OPENSSL_VERSION); }

bool is_certificate_required(const std::error_code& ec) {
    return ec.category() == asio::error::get_ssl_category() &&
           ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED;
}

struct client_context::impl {
    asio::ssl::context ssl{asio::ssl::context::tls_client};
    bool verify = true;
};

client_context::client_context(std::unique_ptr<impl> i) : impl_(std::move(i)) {}
client_context::~client_context() = default;

std::unique_ptr<client_context> client_context::create(const client_config& config, failure& error, std::string& why) {
    auto i = std::make_unique<impl>();
    SSL_CTX* ctx = i->ssl.native_handle();
    SSL_CTX_set_min_proto_version(ctx, config.min == version::any ? TLS1_2_VERSION : protocol_number(config.min));
    SSL_CTX_set_max_proto_version(ctx, protocol_number(config.max));
    // A close without close_notify is an end of stream; the HTTP framing says whether
    // anything is missing (curl does the same).
    SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
    static constexpr unsigned char alpn[] = "\x08http/1.1";
    SSL_CTX_set_alpn_protos(ctx, alpn, sizeof alpn - 1);
    i->verify = config.verify;
    if (config.verify) {
        if (config.ca_file.empty() && config.ca_path.empty()) {
            use_system_store(ctx);
        } else if (!use_ca_options(ctx, config, why)) {
            error = failure::ca_file;
            return nullptr;
        }
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    } else {
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
    }
    if (!config.cert_file.empty() && !use_client_certificate(ctx, config, why)) {
        error = failure::client_certificate;
        return nullptr;
    }
    return std::unique_ptr<client_context>(new client_context(std::move(i)));
}

struct client_stream::impl {
    impl(client_context& c, asio::ip::tcp::socket& s) : stream(s, c.get().ssl), verify(c.get().verify) {}
    detail::ssl_stream stream;
    bool verify;
    // The server's certificate as verification saw it: OpenSSL keeps none after a
    // refused handshake, and the words for a refusal name it.
    std::optional<certificate_info> leaf;
};

client_stream::client_stream(client_context& context, asio::ip::tcp::socket& socket)
    : impl_(std::make_unique<impl>(context, socket)) {}
client_stream::~client_stream() = default;

asio::awaitable<handshake_result> client_stream::handshake(std::string host) {
    SSL* ssl = impl_->stream.native_handle();
    std::error_code not_ip;
    (void)asio::ip::make_address(host, not_ip);
    if (not_ip) SSL_set_tlsext_host_name(ssl, host.c_str());
    if (impl_->verify) {
        // OpenSSL's own host check (RFC 6125; what asio::ssl::host_name_verification
        // calls too), set before the handshake so that a mismatch is a verify result
        // with its own code, not an anonymous callback refusal.
        X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
        if (!not_ip) {
            X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
        } else {
            X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
            X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
        }
    }
    impl_->stream.set_verify_callback([i = impl_.get()](bool preverified, asio::ssl::verify_context& vc) {
        if (!i->leaf)
            if (X509* leaf = X509_STORE_CTX_get0_cert(vc.native_handle())) i->leaf = detail::describe(leaf);
        return preverified;
    });
    std::error_code ec;
    co_await impl_->stream.async_handshake(asio::ssl::stream_base::client, asio::redirect_error(asio::use_awaitable, ec));
    handshake_result r;
    r.session.peer = std::move(impl_->leaf);
    if (X509* peer = SSL_get0_peer_certificate(ssl); peer != nullptr && !r.session.peer)
        r.session.peer = detail::describe(peer);
    if (!ec) {
        detail::describe_session(ssl, r.session);
        co_return r;
    }
    r.io_error = ec;
    const long verified = SSL_get_verify_result(ssl);
    if (impl_->verify && verified != X509_V_OK) {
        r.error = failure::peer_certificate;
        r.message = detail::verify_failure_text(verified, host, r.session.peer ? &*r.session.peer : nullptr);
    } else {
        r.error = failure::handshake;
        r.message = detail::handshake_failure_text(ec);
    }
    ERR_clear_error();
    co_return r;
}

asio::awaitable<io_result> client_stream::read_some(asio::mutable_buffer buffer) {
    return detail::read_some(impl_->stream, buffer);
}

io_result client_stream::read_ready(asio::mutable_buffer buffer) { return detail::read_ready(impl_->stream, buffer); }

asio::awaitable<io_result> client_stream::write(std::span<const asio::const_buffer> buffers) {
    return detail::write_all(impl_->stream, buffers);
}

std::error_code client_stream::alert_after_failed_write() {
    // Bounded: a server may have sent data before its alert; a few records are read and
    // dropped (the transfer is failing anyway), then the search ends.
    constexpr int max_records = 16;
    std::vector<char> scratch(max_record_bytes);
    for (int i = 0; i < max_records; ++i) {
        const auto r = detail::read_ready(impl_->stream, asio::buffer(scratch));
        if (!r.error) continue;
        ERR_clear_error();
        return r.error.category() == asio::error::get_ssl_category() ? r.error : std::error_code();
    }
    return {};
}

std::size_t client_stream::pending() const {
    const int n = SSL_pending(impl_->stream.native_handle());
    return n > 0 ? static_cast<std::size_t>(n) : 0;
}

}  // namespace netlab::tls
