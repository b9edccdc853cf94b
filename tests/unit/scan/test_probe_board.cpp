#include <doctest/doctest.h>

#include "scan/probe_board.hpp"

using netlab::scan::probe_board;
using meeting = probe_board::meeting;

namespace {

// Target 0 is the address every connection here is local to; target 1 is another.
bool local_is_target_0(std::size_t target) { return target == 0; }

}  // namespace

TEST_CASE("a connect with no probe of ours at its other end met nobody") {
    probe_board b(3);
    b.connecting(0, 0, 8080);
    b.connected(0, 40000);
    b.connecting(1, 0, 8081);  // other ports
    b.connecting(2, 0, 40001);
    CHECK(b.check(0, local_is_target_0) == meeting::none);
}

TEST_CASE("two probes that connected to each other both learn they met, in either order") {
    for (int order = 0; order < 2; ++order) {
        CAPTURE(order);
        probe_board b(2);
        // A: 40000 -> 41000; B: 41000 -> 40000.
        b.connecting(0, 0, 41000);
        b.connecting(1, 0, 40000);
        b.connected(0, 40000);
        // B has not posted its connection yet: A cannot decide.
        CHECK(b.check(0, local_is_target_0) == meeting::undecided);
        b.connected(1, 41000);
        const std::size_t first = order == 0 ? 0 : 1, second = 1 - first;
        CHECK(b.check(first, local_is_target_0) == meeting::met);
        // The first marked the second before moving on.
        b.idle(first);
        CHECK(b.check(second, local_is_target_0) == meeting::met);
    }
}

TEST_CASE("a probe that looked too early is told by its partner") {
    probe_board b(2);
    b.connecting(0, 0, 41000);
    b.connecting(1, 0, 40000);
    b.connected(0, 40000);
    b.connected(1, 41000);
    CHECK(b.check(1, local_is_target_0) == meeting::met);
    b.idle(1);
    b.connecting(1, 0, 5);  // the partner moved on to another port
    CHECK(b.check(0, local_is_target_0) == meeting::met);
}

TEST_CASE("a probe connecting to our local port that is then refused was no partner") {
    probe_board b(2);
    b.connecting(0, 0, 8080);
    b.connected(0, 40000);
    b.connecting(1, 0, 40000);
    CHECK(b.check(0, local_is_target_0) == meeting::undecided);
    b.idle(1);
    CHECK(b.check(0, local_is_target_0) == meeting::none);
}

TEST_CASE("a probe connected from another port or to another address is no partner") {
    probe_board b(3);
    b.connecting(0, 0, 41000);
    b.connected(0, 40000);
    b.connecting(1, 0, 40000);
    b.connected(1, 42000);  // to our local port, but from elsewhere
    b.connecting(2, 1, 40000);
    b.connected(2, 41000);  // the mirror ports, but to another address
    CHECK(b.check(0, local_is_target_0) == meeting::none);
}
