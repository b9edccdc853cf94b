#include "tls/server.hpp"

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <asio/ip/address.hpp>
#include <asio/redirect_error.hpp>
#include <asio/ssl/context.hpp>
#include <asio/ssl/error.hpp>
#include <asio/ssl/stream.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <fmt/format.h>

#include "tls/openssl/certificate.hpp"
#include "tls/openssl/stream_ops.hpp"

namespace netlab::tls {
namespace {

template <class T, void (*Free)(T*)>
struct deleter {
    void operator()(T* p) const { Free(p); }
};
using x509_ptr = std::unique_ptr<X509, deleter<X509, X509_free>>;
using pkey_ptr = std::unique_ptr<EVP_PKEY, deleter<EVP_PKEY, EVP_PKEY_free>>;
using bio_ptr = std::unique_ptr<BIO, deleter<BIO, BIO_free_all>>;

std::string last_error(std::string_view fallback) {
    const unsigned long e = ERR_peek_last_error();
    ERR_clear_error();
    const char* reason = e != 0 ? ERR_reason_error_string(e) : nullptr;
    return reason != nullptr ? std::string(reason) : std::string(fallback);
}

// http/1.1 when the client offers it; no ALPN answer otherwise (RFC 7301 §3.2 allows it).
int select_alpn(SSL*, const unsigned char** out, unsigned char* out_length, const unsigned char* in,
                unsigned int in_length, void*) {
    static constexpr unsigned char ours[] = "\x08http/1.1";
    unsigned char* selected = nullptr;
    if (SSL_select_next_proto(&selected, out_length, ours, sizeof ours - 1, in, in_length) != OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_NOACK;
    *out = selected;
    return SSL_TLSEXT_ERR_OK;
}

std::string fingerprint_of(X509* cert) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    X509_digest(cert, EVP_sha256(), md, &n);
    std::string out;
    for (unsigned int i = 0; i < n; ++i) out += fmt::format("{}{:02X}", i == 0 ? "" : ":", md[i]);
    return out;
}

std::string pem_of(X509* cert) {
    const bio_ptr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(bio.get(), cert);
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

// "DNS:localhost,IP:127.0.0.1,IP:::1,..." with the extra names that are an address or a
// plain host name (nothing that could break the list's syntax).
std::string alt_names(const std::vector<std::string>& extra) {
    std::string out = "DNS:localhost,IP:127.0.0.1,IP:::1";
    for (const auto& name : extra) {
        std::error_code ec;
        const auto address = asio::ip::make_address(name, ec);
        if (!ec) {
            if (!address.is_unspecified() && !address.is_loopback()) out += ",IP:" + address.to_string();
            continue;
        }
        const bool plain = !name.empty() && name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                                   "0123456789.-") == std::string::npos;
        if (plain && name != "localhost") out += ",DNS:" + name;
    }
    return out;
}

bool add_extension(X509* cert, int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    if (ext == nullptr) return false;
    const bool ok = X509_add_ext(cert, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    return ok;
}

// Asked for a key's passphrase: refuses (OpenSSL's default would prompt on the terminal,
// and a server must never wait there) and notes that the key is encrypted.
int refuse_passphrase(char*, int, int, void* asked) {
    if (asked != nullptr) *static_cast<bool*>(asked) = true;
    return 0;
}

}  // namespace

struct server_context::impl {
    asio::ssl::context ssl{asio::ssl::context::tls_server};
    std::string fingerprint;
    std::string pem;
    certificate_info leaf;
    X509* leaf_x509 = nullptr;  // owned by `ssl`

    impl() {
        SSL_CTX* ctx = ssl.native_handle();
        SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
        SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
        // Idle keep-alive connections give their record buffers back (nginx does the same).
        SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
        SSL_CTX_set_alpn_select_cb(ctx, select_alpn, nullptr);
    }
    void describe_leaf() {
        leaf_x509 = SSL_CTX_get0_certificate(ssl.native_handle());
        fingerprint = fingerprint_of(leaf_x509);
        pem = pem_of(leaf_x509);
        leaf = detail::describe(leaf_x509);
    }
};

server_context::server_context(std::unique_ptr<impl> i) : impl_(std::move(i)) {}
server_context::~server_context() = default;
const std::string& server_context::fingerprint() const { return impl_->fingerprint; }
const std::string& server_context::certificate_pem() const { return impl_->pem; }
const certificate_info& server_context::certificate() const { return impl_->leaf; }

server_context::validity server_context::validity_now() const {
    if (X509_cmp_current_time(X509_get0_notBefore(impl_->leaf_x509)) > 0) return validity::not_yet_valid;
    if (X509_cmp_current_time(X509_get0_notAfter(impl_->leaf_x509)) < 0) return validity::expired;
    return validity::valid;
}

std::shared_ptr<server_context> server_context::from_files(const std::string& cert_file, const std::string& key_file,
                                                           std::string& why) {
    auto i = std::make_unique<impl>();
    SSL_CTX* ctx = i->ssl.native_handle();
    if (SSL_CTX_use_certificate_chain_file(ctx, cert_file.c_str()) != 1) {
        why = fmt::format("--tls-cert {}: {} (expected PEM certificates, the server's first)", cert_file,
                          last_error("cannot read it"));
        return nullptr;
    }
    bool passphrase_asked = false;
    SSL_CTX_set_default_passwd_cb(ctx, refuse_passphrase);
    SSL_CTX_set_default_passwd_cb_userdata(ctx, &passphrase_asked);
    const bool key_loaded = SSL_CTX_use_PrivateKey_file(ctx, key_file.c_str(), SSL_FILETYPE_PEM) == 1;
    SSL_CTX_set_default_passwd_cb_userdata(ctx, nullptr);  // the flag goes out of scope
    if (!key_loaded && passphrase_asked) {
        why = fmt::format("--tls-key {} is encrypted, and serve-http asks for no passphrase "
                          "(decrypt it first: openssl pkey -in {} -out plain.key)",
                          key_file, key_file);
        ERR_clear_error();
        return nullptr;
    }
    if (!key_loaded) {
        if (ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH) {
            why = fmt::format("--tls-key {} does not belong to the certificate in --tls-cert {}", key_file, cert_file);
            ERR_clear_error();
            return nullptr;
        }
        why = fmt::format("--tls-key {}: {} (expected an unencrypted PEM private key)", key_file,
                          last_error("cannot read it"));
        return nullptr;
    }
    if (SSL_CTX_check_private_key(ctx) != 1) {
        why = fmt::format("--tls-key {} does not belong to the certificate in --tls-cert {}", key_file, cert_file);
        ERR_clear_error();
        return nullptr;
    }
    i->describe_leaf();
    return std::shared_ptr<server_context>(new server_context(std::move(i)));
}

std::shared_ptr<server_context> server_context::self_signed(const std::vector<std::string>& extra_names, std::string& why) {
    const pkey_ptr key(EVP_EC_gen("P-256"));
    const x509_ptr cert(X509_new());
    bool ok = key && cert && X509_set_version(cert.get(), 2) == 1;
    if (ok) {
        // A random 64-bit serial: two runs never issue the same (issuer, serial) pair.
        BIGNUM* serial = BN_new();
        ok = serial != nullptr && BN_rand(serial, 64, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1 &&
             BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(cert.get())) != nullptr;
        BN_free(serial);
    }
    if (ok) {
        X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);  // clocks a little behind still accept it
        X509_gmtime_adj(X509_getm_notAfter(cert.get()), 30L * 24 * 3600);
        X509_NAME* name = X509_get_subject_name(cert.get());
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
        X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("netlab serve-http"), -1, -1, 0);
        ok = X509_set_issuer_name(cert.get(), name) == 1 && X509_set_pubkey(cert.get(), key.get()) == 1 &&
             add_extension(cert.get(), NID_subject_alt_name, alt_names(extra_names)) &&
             add_extension(cert.get(), NID_basic_constraints, "critical,CA:FALSE") &&
             add_extension(cert.get(), NID_subject_key_identifier, "hash") &&
             X509_sign(cert.get(), key.get(), EVP_sha256()) > 0;
    }
    auto i = std::make_unique<impl>();
    SSL_CTX* ctx = i->ssl.native_handle();
    if (!ok || SSL_CTX_use_certificate(ctx, cert.get()) != 1 || SSL_CTX_use_PrivateKey(ctx, key.get()) != 1) {
        why = "could not make a self-signed certificate: " + last_error("unknown OpenSSL error");
        return nullptr;
    }
    i->describe_leaf();
    return std::shared_ptr<server_context>(new server_context(std::move(i)));
}

struct server_stream::impl {
    impl(server_context& c, asio::ip::tcp::socket& s) : stream(s, c.get().ssl) {}
    detail::ssl_stream stream;
};

server_stream::server_stream(server_context& context, asio::ip::tcp::socket& socket)
    : impl_(std::make_unique<impl>(context, socket)) {}
server_stream::~server_stream() = default;

asio::awaitable<handshake_result> server_stream::handshake() {
    std::error_code ec;
    co_await impl_->stream.async_handshake(asio::ssl::stream_base::server, asio::redirect_error(asio::use_awaitable, ec));
    handshake_result r;
    SSL* ssl = impl_->stream.native_handle();
    if (ec) {
        r.error = failure::handshake;
        r.io_error = ec;
        r.message = detail::client_handshake_failure_text(ec);
        ERR_clear_error();
        co_return r;
    }
    detail::describe_session(ssl, r.session);
    co_return r;
}

asio::awaitable<io_result> server_stream::read_some(asio::mutable_buffer buffer) {
    return detail::read_some(impl_->stream, buffer);
}

asio::awaitable<io_result> server_stream::write_some(std::span<const asio::const_buffer> buffers) {
    std::error_code ec;
    const std::size_t n = co_await impl_->stream.async_write_some(buffers, asio::redirect_error(asio::use_awaitable, ec));
    co_return io_result{ec, n};
}

asio::awaitable<io_result> server_stream::write(std::span<const asio::const_buffer> buffers) {
    return detail::write_all(impl_->stream, buffers);
}

}  // namespace netlab::tls
