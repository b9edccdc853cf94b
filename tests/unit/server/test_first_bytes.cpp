#include <doctest/doctest.h>

#include <string>

#include "server/first_bytes.hpp"

using netlab::server::classify_first_bytes;
using netlab::server::first_bytes;

TEST_CASE("a TLS record or an SSLv2-style hello starts a handshake") {
    CHECK(classify_first_bytes(std::string("\x16\x03\x01\x02\x00", 5)) == first_bytes::tls);
    CHECK(classify_first_bytes(std::string("\x16", 1)) == first_bytes::tls);
    CHECK(classify_first_bytes(std::string("\x80\x2e\x01", 3)) == first_bytes::tls);
}

TEST_CASE("the start of an HTTP request line is a plaintext request, however little has arrived") {
    CHECK(classify_first_bytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n") == first_bytes::plaintext_http);
    CHECK(classify_first_bytes("G") == first_bytes::plaintext_http);
    CHECK(classify_first_bytes("PROPFIND") == first_bytes::plaintext_http);
    CHECK(classify_first_bytes("\r\nGET /") == first_bytes::plaintext_http);  // RFC 9112 §2.2: empty lines first
    CHECK(classify_first_bytes("\r\n") == first_bytes::plaintext_http);
}

TEST_CASE("bytes that are neither TLS nor an HTTP request line are not called a plaintext request") {
    CHECK(classify_first_bytes(std::string("\x00\x01\x02\x03", 4)) == first_bytes::other);
    CHECK(classify_first_bytes("Zq\x01\x7f") == first_bytes::other);  // a letter, then not a method
    CHECK(classify_first_bytes(" GET /") == first_bytes::other);
    CHECK(classify_first_bytes("SSH-2.0-OpenSSH_9.2\r\n") == first_bytes::other);
    CHECK(classify_first_bytes("") == first_bytes::other);
}
