#include <doctest/doctest.h>

#include "scan/states.hpp"

using netlab::platform::error_kind;
using namespace netlab::scan;

TEST_CASE("connect outcomes map to nmap's connect-scan states") {
    CHECK(judge(error_kind::none, false) == verdict::open);
    CHECK(judge(error_kind::refused, false) == verdict::closed);
    CHECK(judge(error_kind::timed_out, false) == verdict::filtered);
    CHECK(judge(error_kind::host_unreachable, false) == verdict::filtered);
    CHECK(judge(error_kind::network_unreachable, false) == verdict::filtered);
    CHECK(judge(error_kind::access_denied, false) == verdict::filtered);
}

TEST_CASE("a connect reset after its handshake completed is open: only a refusal is closed") {
    CHECK(judge(error_kind::reset, false) == verdict::open);
}

TEST_CASE("a connect that met itself (simultaneous open on loopback) is a closed port") {
    CHECK(judge(error_kind::none, true) == verdict::closed);
}

TEST_CASE("running out of local ports or descriptors is never a port state") {
    CHECK(judge(error_kind::address_not_available, false) == verdict::local_shortage);
    CHECK(judge(error_kind::too_many_open_files, false) == verdict::local_shortage);
    CHECK(judge(error_kind::no_buffer_space, false) == verdict::local_shortage);
}

TEST_CASE("errors no probe should meet stop the scan instead of guessing a state") {
    CHECK(judge(error_kind::invalid_argument, false) == verdict::fatal);
    CHECK(judge(error_kind::other, false) == verdict::fatal);
}

TEST_CASE("only open and closed are answers that feed the RTT estimate") {
    CHECK(answered(verdict::open));
    CHECK(answered(verdict::closed));
    CHECK_FALSE(answered(verdict::filtered));
    CHECK_FALSE(answered(verdict::local_shortage));
}

TEST_CASE("state names are nmap's") {
    CHECK(state_name(port_state::open) == "open");
    CHECK(state_name(port_state::closed) == "closed");
    CHECK(state_name(port_state::filtered) == "filtered");
}
