// The operating system's own store of trusted root certificates, for systems whose TLS
// trust does not live in files OpenSSL reads (Windows' ROOT store, as curl's --ca-native
// imports it). Listing the store needs no TLS library: certificates come out as DER.
#pragma once

#include <cstdint>
#include <vector>

namespace netlab::platform {

using der_certificate = std::vector<std::uint8_t>;

// Every certificate in the system's ROOT store, as DER bytes, in store order. Empty on
// POSIX, where OpenSSL's default verify paths (a hashed folder such as /etc/ssl/certs)
// are the system store, and when the store cannot be opened.
std::vector<der_certificate> system_root_certificates();

}  // namespace netlab::platform
