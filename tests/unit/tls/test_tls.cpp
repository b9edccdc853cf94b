#include <doctest/doctest.h>

#include "tls/tls.hpp"

using namespace netlab::tls;

TEST_CASE("TLS versions are named as curl's --tls-max takes them") {
    CHECK(parse_version("1.2") == version::tls1_2);
    CHECK(parse_version("1.3") == version::tls1_3);
    CHECK_FALSE(parse_version("1.1"));
    CHECK_FALSE(parse_version("1.3 "));
    CHECK_FALSE(parse_version(""));
}

TEST_CASE("the library names itself exactly when the build has TLS") {
    CHECK(available() == !library_version().empty());
    if (available()) CHECK(library_version().starts_with("OpenSSL"));
}
