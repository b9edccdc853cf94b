#include "server/first_bytes.hpp"

#include "http/grammar.hpp"

namespace netlab::server {

first_bytes classify_first_bytes(std::string_view bytes) {
    if (bytes.empty()) return first_bytes::other;
    const auto first = static_cast<unsigned char>(bytes.front());
    // 22 is the handshake record type (RFC 8446 §5.1); SSLv2's record header sets the
    // high bit, and OpenSSL still reads a ClientHello in that form.
    if (first == 0x16 || (first & 0x80) != 0) return first_bytes::tls;
    std::size_t i = 0;
    while (i < bytes.size() && (bytes[i] == '\r' || bytes[i] == '\n')) ++i;
    if (i == bytes.size()) return first_bytes::plaintext_http;  // empty lines so far
    const std::size_t method_start = i;
    while (i < bytes.size() && http::grammar::is_tchar(bytes[i])) ++i;
    if (i == method_start) return first_bytes::other;
    if (i == bytes.size() || bytes[i] == ' ') return first_bytes::plaintext_http;
    return first_bytes::other;
}

}  // namespace netlab::server
