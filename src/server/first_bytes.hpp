// serve-http --tls: what a connection's first bytes, peeked before any handshake, say it
// speaks. A parser: bytes in, an answer out, no I/O.
#pragma once

#include <string_view>

namespace netlab::server {

enum class first_bytes {
    tls,             // a TLS record (or an SSLv2-style ClientHello): the handshake begins
    plaintext_http,  // the start of an HTTP request line: a client that forgot https://
    other,           // neither: the handshake is tried, and fails with OpenSSL's reason
};

// `bytes` is what has arrived so far (at least one byte). Decided as nginx does on the
// first byte (0x16, or the high bit of an SSLv2 record header), then, for the rest,
// by whether the bytes can begin an HTTP/1.x request line: a method token followed by a
// space, or a token not yet ended (empty lines before it are allowed, RFC 9112 §2.2).
first_bytes classify_first_bytes(std::string_view bytes);

}  // namespace netlab::server
