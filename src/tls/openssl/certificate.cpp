#include "tls/openssl/certificate.hpp"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <asio/error.hpp>
#include <asio/ssl/error.hpp>
#include <algorithm>
#include <array>
#include <asio/ip/address_v6.hpp>
#include <ctime>
#include <fmt/format.h>
#include <memory>
#include <utility>

namespace netlab::tls::detail {
namespace {

std::string name_text(const X509_NAME* name) {
    if (name == nullptr) return {};
    const std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
    // RFC 2253 order and escaping, UTF-8 kept as it is.
    X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

std::string time_text(const ASN1_TIME* t) {
    std::tm tm{};
    if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return {};
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                       tm.tm_min, tm.tm_sec);
}

std::string ip_text(const ASN1_OCTET_STRING* ip) {
    const unsigned char* b = ASN1_STRING_get0_data(ip);
    const int n = ASN1_STRING_length(ip);
    if (n == 4) return fmt::format("{}.{}.{}.{}", b[0], b[1], b[2], b[3]);
    if (n != 16) return "?";
    asio::ip::address_v6::bytes_type bytes{};
    std::copy(b, b + 16, bytes.begin());
    return asio::ip::address_v6(bytes).to_string();
}

std::vector<std::string> alt_names(X509* cert) {
    std::vector<std::string> out;
    auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
    if (names == nullptr) return out;
    for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
        const GENERAL_NAME* g = sk_GENERAL_NAME_value(names, i);
        if (g->type == GEN_DNS) {
            const auto* s = g->d.dNSName;
            out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                             static_cast<std::size_t>(ASN1_STRING_length(s)));
        } else if (g->type == GEN_IPADD) {
            out.push_back(ip_text(g->d.iPAddress));
        }
    }
    GENERAL_NAMES_free(names);
    return out;
}

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
}

}  // namespace

certificate_info describe(X509* cert) {
    certificate_info info;
    info.subject = name_text(X509_get_subject_name(cert));
    info.issuer = name_text(X509_get_issuer_name(cert));
    info.names = alt_names(cert);
    info.not_before = time_text(X509_get0_notBefore(cert));
    info.not_after = time_text(X509_get0_notAfter(cert));
    return info;
}

std::string verify_failure_text(long code, const std::string& host, const certificate_info* peer) {
    constexpr std::string_view hint = " (--cacert FILE trusts its issuer; -k skips the check)";
    const std::string subject = peer ? " (" + peer->subject + ")" : "";
    switch (code) {
        case X509_V_ERR_HOSTNAME_MISMATCH:
        case X509_V_ERR_IP_ADDRESS_MISMATCH:
            return fmt::format("the server's certificate is not for {}: it names {}", host,
                               peer && !peer->names.empty() ? joined(peer->names)
                               : peer                       ? peer->subject
                                                            : std::string("other hosts"));
        case X509_V_ERR_CERT_HAS_EXPIRED:
            return fmt::format("the server's certificate{} expired on {}", subject, peer ? peer->not_after : "?");
        case X509_V_ERR_CERT_NOT_YET_VALID:
            return fmt::format("the server's certificate{} is not valid before {}", subject, peer ? peer->not_before : "?");
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
            return fmt::format("the server's certificate{} is self-signed and not trusted{}", subject, hint);
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
            return fmt::format("the server's certificate chain ends in a self-signed CA that is not trusted{}", hint);
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
            return fmt::format("the server's certificate was issued by an unknown CA{}{}",
                               peer ? " (" + peer->issuer + ")" : "", hint);
        default:
            return fmt::format("the server's certificate could not be verified: {}",
                               X509_verify_cert_error_string(code));
    }
}

namespace {

// An error of asio's SSL category: OpenSSL's reason code, and its words (the error's own
// message where OpenSSL has none).
std::pair<int, std::string> ssl_reason(const std::error_code& ec) {
    const auto code = static_cast<unsigned long>(ec.value());
    const char* text = ERR_reason_error_string(code);
    return {ERR_GET_REASON(code), text != nullptr ? text : ec.message()};
}

}  // namespace

std::string handshake_failure_text(const std::error_code& ec) {
    if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated || ec == asio::error::connection_reset)
        return "the server closed the connection during the TLS handshake";
    if (ec.category() != asio::error::get_ssl_category()) return "TLS handshake failed: " + ec.message();
    const auto [reason, words] = ssl_reason(ec);
    switch (reason) {
        case SSL_R_WRONG_VERSION_NUMBER:
        case SSL_R_PACKET_LENGTH_TOO_LONG:
            return fmt::format("TLS handshake failed: {} (the server does not speak TLS on this port?)", words);
        case SSL_R_TLSV1_ALERT_PROTOCOL_VERSION:
        case SSL_R_UNSUPPORTED_PROTOCOL:
        case SSL_R_NO_PROTOCOLS_AVAILABLE:
            return fmt::format("TLS handshake failed: {} (no TLS version that both sides accept)", words);
        default: return "TLS handshake failed: " + words;
    }
}

std::string client_handshake_failure_text(const std::error_code& ec) {
    if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated)
        return "the client closed the connection during the handshake";
    if (ec == asio::error::connection_reset) return "the client reset the connection during the handshake";
    if (ec.category() != asio::error::get_ssl_category()) return ec.message();
    const auto [reason, words] = ssl_reason(ec);
    switch (reason) {
        // Bytes that are no TLS record: a port scanner, a protocol other than TLS.
        case SSL_R_WRONG_VERSION_NUMBER:
        case SSL_R_PACKET_LENGTH_TOO_LONG:
        case SSL_R_UNKNOWN_PROTOCOL:
        case SSL_R_RECORD_LENGTH_MISMATCH:
        case SSL_R_HTTP_REQUEST:
        case SSL_R_HTTPS_PROXY_REQUEST:
            return words + " (the client does not speak TLS?)";
        case SSL_R_UNSUPPORTED_PROTOCOL:
        case SSL_R_VERSION_TOO_LOW:
        case SSL_R_NO_PROTOCOLS_AVAILABLE:
        case SSL_R_TLSV1_ALERT_PROTOCOL_VERSION:
            return words + " (the client offers only TLS versions older than 1.2; this server speaks 1.2 and 1.3)";
        case SSL_R_NO_SHARED_CIPHER:
        case SSL_R_NO_SHARED_GROUPS:
        case SSL_R_NO_SUITABLE_SIGNATURE_ALGORITHM:
            return words + " (no cipher, group or signature both sides accept)";
        case SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC:
        case SSL_R_DECRYPTION_FAILED:
            return words + " (a record was changed on the way, or the client computed its keys wrongly)";
        // The client's alerts about our certificate: it does not trust it, or it expired.
        case SSL_R_TLSV1_ALERT_UNKNOWN_CA:
        case SSL_R_SSLV3_ALERT_BAD_CERTIFICATE:
        case SSL_R_SSLV3_ALERT_CERTIFICATE_UNKNOWN:
        case SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED:
        case SSL_R_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE:
        case SSL_R_TLSV1_ALERT_ACCESS_DENIED:
            return words + " (the client refused this server's certificate)";
        default: return words;
    }
}

}  // namespace netlab::tls::detail
