#include <doctest/doctest.h>

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>

#include "scan/wait.hpp"

using namespace netlab::scan;
using asio::ip::tcp;

TEST_CASE("--wait returns at once when every port is already open") {
    asio::io_context ctx;
    tcp::acceptor acceptor(ctx, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    const auto port = acceptor.local_endpoint().port();
    int opened = 0;
    const auto w = wait_until_open(parse_targets({"127.0.0.1"}, ip_family::any).specs, ip_family::any, {port}, {},
                                   std::chrono::seconds(5), [&](const port_result& r, const auto&, double) {
                                       CHECK(r.port == port);
                                       ++opened;
                                   });
    CHECK(w.all_open);
    CHECK(opened == 1);
    CHECK(w.rounds == 1);
    CHECK(w.not_open.empty());
}

TEST_CASE("--wait gives up after its time with the last state of each port") {
    asio::io_context ctx;
    tcp::socket refusing(ctx, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    const auto port = refusing.local_endpoint().port();
    const auto w = wait_until_open(parse_targets({"127.0.0.1"}, ip_family::any).specs, ip_family::any, {port}, {},
                                   std::chrono::milliseconds(600), {});
    CHECK_FALSE(w.all_open);
    CHECK(w.rounds >= 2);
    CHECK(w.waited_s >= 0.55);
    CHECK(w.waited_s < 3.0);
    REQUIRE(w.not_open.size() == 1);
    CHECK(w.not_open[0].state == port_state::closed);
}

TEST_CASE("--wait keeps looking up a name that does not resolve and says so") {
    const auto w = wait_until_open(parse_targets({"no-such-host.invalid"}, ip_family::any).specs, ip_family::any, {80},
                                   {}, std::chrono::milliseconds(300), {});
    CHECK_FALSE(w.all_open);
    REQUIRE(w.not_open.size() == 1);
    CHECK(w.not_open[0].tries == 0);
    CHECK(static_cast<bool>(w.resolve_errors.at(0)));
}
