#include "tls/server.hpp"

namespace netlab::tls {

std::optional<version> parse_version(std::string_view text) {
    if (text == "1.2") return version::tls1_2;
    if (text == "1.3") return version::tls1_3;
    return std::nullopt;
}

bool looks_like_tls(std::span<const unsigned char> first_bytes) {
    return !first_bytes.empty() && first_bytes[0] == 0x16;  // TLS record type handshake (RFC 8446 §5.1)
}

}  // namespace netlab::tls
