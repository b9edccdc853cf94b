// Reading OpenSSL's certificate objects into the plain values of tls.hpp, and a failed
// verification into words. Internal to the OpenSSL implementation.
#pragma once

#include <openssl/x509.h>

#include <string>
#include <system_error>

#include "tls/tls.hpp"

namespace netlab::tls::detail {

certificate_info describe(X509* cert);

// Why the server's certificate was refused, in words that name the failed check:
// `code` is OpenSSL's verify result, `host` what the URL named, `peer` the certificate
// when the server sent one.
std::string verify_failure_text(long code, const std::string& host, const certificate_info* peer);

// Why a handshake failed (not a certificate refusal), from the error asio reported.
std::string handshake_failure_text(const std::error_code& ec);

// The server's side: why a client's handshake failed, in words that say what the client
// did ("wrong version number (not TLS?)"), without a "handshake failed" prefix.
std::string client_handshake_failure_text(const std::error_code& ec);

}  // namespace netlab::tls::detail
