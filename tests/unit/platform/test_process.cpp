#include <doctest/doctest.h>

#include <algorithm>
#include <csignal>

#include "netlab/platform/process.hpp"

namespace pf = netlab::platform;

TEST_CASE("Ctrl-C and SIGTERM are stop signals on every OS") {
    const auto s = pf::stop_signals();
    CHECK(std::find(s.begin(), s.end(), SIGINT) != s.end());
    CHECK(std::find(s.begin(), s.end(), SIGTERM) != s.end());
}

TEST_CASE("the OS and I/O backend have names") {
    CHECK_FALSE(pf::os_name().empty());
    CHECK_FALSE(pf::io_backend().empty());
    pf::init_process();  // idempotent, safe to call in a test
}
