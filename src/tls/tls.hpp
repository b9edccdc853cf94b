// TLS for get and serve-http: what can be asked for and what a handshake tells. The
// implementation is OpenSSL through asio::ssl (openssl/), or a stand-in that says the
// build has no TLS (none/); neither asio/ssl nor OpenSSL is included by these headers,
// so only the files that do TLS pay for them.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace netlab::tls {

// False in a build without TLS (the MinGW cross build: Debian has no OpenSSL for it).
bool available();

// "OpenSSL 3.0.22 25 Aug 2026" as the library reports itself; empty without TLS.
std::string library_version();

// True for the alert a TLS 1.3 server sends when it wants a client certificate and was
// given none (or one it refused): a read fails with it after the handshake.
bool is_certificate_required(const std::error_code& ec);

// The words for everything that needs TLS in a build without it.
inline constexpr std::string_view not_built_message = "this netlab was built without TLS";

// The most plaintext one TLS record carries (RFC 8446 section 5.1): what one read returns.
inline constexpr std::size_t max_record_bytes = 16 * 1024;

enum class version { any, tls1_2, tls1_3 };

// "1.2" or "1.3" (curl's --tls-max values); nullopt for anything else.
std::optional<version> parse_version(std::string_view text);

struct client_config {
    bool verify = true;    // chain and host name; -k turns both off
    std::string ca_file;   // --cacert: PEM file; with ca_path empty, the only trust
    std::string ca_path;   // --capath: a folder hashed as c_rehash makes it
    std::string cert_file; // --cert: our own certificate (PEM, chain allowed), for servers that ask for one
    std::string key_file;  // --key: its private key (PEM, unencrypted); empty: in cert_file
    version min = version::tls1_2;
    version max = version::any;
};

// A certificate as -v and --json show it.
struct certificate_info {
    std::string subject;             // "CN=localhost,O=netlab test" (RFC 2253 order)
    std::string issuer;
    std::vector<std::string> names;  // subjectAltName DNS names and IP addresses
    std::string not_before;          // ISO 8601 UTC: "2026-05-01T12:00:00Z"
    std::string not_after;
};

// What a finished handshake agreed on.
struct session_info {
    std::string version;  // "TLSv1.3"
    std::string cipher;   // "TLS_AES_256_GCM_SHA384"
    std::string alpn;     // "http/1.1"; empty when the server chose none
    std::optional<certificate_info> peer;  // the server's (leaf) certificate
};

// Why a TLS step failed, as curl's exit codes tell them apart.
enum class failure {
    none,
    not_built,         // no TLS in this build
    handshake,         // 35: the handshake itself failed (no common version, not TLS, closed)
    peer_certificate,  // 60: the server's certificate could not be authenticated
    ca_file,           // 77: --cacert or --capath could not be used
    client_certificate,  // 58: --cert or --key could not be used
};

}  // namespace netlab::tls
