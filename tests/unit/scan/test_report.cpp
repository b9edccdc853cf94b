#include <doctest/doctest.h>

#include "scan/report.hpp"

using namespace netlab::scan;

namespace {

port_result result(std::uint16_t port, port_state s) {
    port_result r;
    r.port = port;
    r.state = s;
    return r;
}

}  // namespace

TEST_CASE("few closed ports are listed with the open ones in port order") {
    host_report h;
    h.add(result(443, port_state::closed));
    h.add(result(22, port_state::open));
    h.add(result(80, port_state::filtered));
    const auto rows = h.rows(false);
    REQUIRE(rows.size() == 3);
    CHECK(rows[0].port == 22);
    CHECK(rows[1].port == 80);
    CHECK(rows[2].port == 443);
    CHECK(h.folded(false).empty());
    CHECK(h.total() == 3);
}

TEST_CASE("more than 25 ports in a state are folded into a count and not kept") {
    host_report h;
    for (std::uint16_t p = 1; p <= 1000; ++p) h.add(result(p, p == 500 ? port_state::open : port_state::closed));
    const auto rows = h.rows(false);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].port == 500);
    REQUIRE(h.folded(false).size() == 1);
    CHECK(h.folded(false)[0] == std::pair<port_state, std::uint64_t>{port_state::closed, 999});
    CHECK(h.count(port_state::closed) == 999);
}

TEST_CASE("25 closed ports are still listed and 26 are folded") {
    host_report h;
    for (std::uint16_t p = 1; p <= 25; ++p) h.add(result(p, port_state::closed));
    CHECK(h.rows(false).size() == 25);
    h.add(result(26, port_state::closed));
    CHECK(h.rows(false).empty());
    CHECK(h.folded(false).at(0).second == 26);
}

TEST_CASE("--open lists open ports only and counts the rest") {
    host_report h;
    h.add(result(22, port_state::open));
    h.add(result(23, port_state::closed));
    h.add(result(24, port_state::filtered));
    CHECK(h.rows(true).size() == 1);
    CHECK(h.folded(true).size() == 2);
}

TEST_CASE("banner bytes are shown escaped") {
    CHECK(escape_bytes("SSH-2.0-OpenSSH_9.2\r\n") == "SSH-2.0-OpenSSH_9.2\\r\\n");
    CHECK(escape_bytes(std::string("a\0b\\\t\xff", 6)) == "a\\x00b\\\\\\t\\xff");
}
