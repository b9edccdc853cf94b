#include <doctest/doctest.h>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/use_future.hpp>

#include "net/resolve.hpp"

using namespace netlab::net;
using namespace std::chrono_literals;

namespace {

resolved_host resolve(const std::string& host, ip_family family) {
    asio::io_context io;
    auto f = asio::co_spawn(io, resolve_host(host, family, std::chrono::steady_clock::now() + 5s), asio::use_future);
    io.run();
    return f.get();
}

}  // namespace

TEST_CASE("localhost is both loopbacks, IPv6 first, without a resolver") {
    const auto r = resolve("localhost", ip_family::any);
    REQUIRE(r.addresses.size() == 2);
    CHECK(r.addresses[0].to_string() == "::1");
    CHECK(r.addresses[1].to_string() == "127.0.0.1");
    CHECK(resolve("localhost", ip_family::v4).addresses.size() == 1);
}

TEST_CASE("a literal of the family not wanted is no address at all") {
    const auto r = resolve("::1", ip_family::v4);
    CHECK(r.addresses.empty());
    CHECK(r.error);
}

TEST_CASE("a name under .invalid does not resolve") {
    const auto r = resolve("no-such-host.invalid", ip_family::any);
    CHECK(r.addresses.empty());
    CHECK(r.error);
}
