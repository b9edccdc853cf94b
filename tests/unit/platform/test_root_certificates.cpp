#include <doctest/doctest.h>

#include "netlab/platform/process.hpp"
#include "netlab/platform/root_certificates.hpp"

namespace pf = netlab::platform;

TEST_CASE("the ROOT store lists DER certificates on Windows and nothing on POSIX") {
    const auto certs = pf::system_root_certificates();
    if (pf::os_name() != "windows") {
        CHECK(certs.empty());  // OpenSSL's default verify paths are the POSIX store
        return;
    }
    // Wine and Windows both fill ROOT (wine from the host's CA bundle).
    REQUIRE_FALSE(certs.empty());
    for (const auto& der : certs) {
        REQUIRE(der.size() > 4);
        CHECK(der[0] == 0x30);  // an X.509 certificate is an ASN.1 SEQUENCE
        // DER long-form length 0x82 HH LL: the SEQUENCE spans the whole blob.
        if (der[1] == 0x82) CHECK(static_cast<std::size_t>(der[2] << 8 | der[3]) + 4 == der.size());
    }
}
