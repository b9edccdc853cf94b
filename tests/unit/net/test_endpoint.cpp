#include <doctest/doctest.h>

#include <asio/io_context.hpp>

#include "net/endpoint.hpp"
#include "net/listener.hpp"

using namespace netlab::net;

TEST_CASE("endpoints print as people write them") {
    CHECK(to_string(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 80)) == "127.0.0.1:80");
    CHECK(to_string(asio::ip::tcp::endpoint(asio::ip::make_address("::1"), 8080)) == "[::1]:8080");
    CHECK(to_string(asio::ip::tcp::endpoint(asio::ip::make_address("::ffff:10.0.0.1"), 1)) == "10.0.0.1:1");
    CHECK(http_url(asio::ip::make_address("::1"), 8080) == "http://[::1]:8080/");
}

TEST_CASE("only numeric addresses are IP addresses") {
    CHECK(is_ip_address("127.0.0.1"));
    CHECK(is_ip_address("::"));
    CHECK_FALSE(is_ip_address("localhost"));
    CHECK_FALSE(is_ip_address("300.1.1.1"));
}

TEST_CASE("a listener on port 0 gets a real port and accepts") {
    asio::io_context io;
    asio::ip::tcp::acceptor a(io);
    REQUIRE_FALSE(open_listener(a, {asio::ip::make_address("127.0.0.1"), 0}, 16));
    const auto port = a.local_endpoint().port();
    CHECK(port != 0);
    asio::ip::tcp::socket client(io);
    client.connect({asio::ip::make_address("127.0.0.1"), port});
    asio::ip::tcp::socket served(io);
    a.accept(served);
    CHECK(served.is_open());
}

TEST_CASE("a listener on a port in use fails with address_in_use") {
    asio::io_context io;
    asio::ip::tcp::acceptor a(io), b(io);
    REQUIRE_FALSE(open_listener(a, {asio::ip::make_address("127.0.0.1"), 0}, 16));
    const auto ec = open_listener(b, {asio::ip::make_address("127.0.0.1"), a.local_endpoint().port()}, 16);
    CHECK(ec);
}

TEST_CASE("UDP endpoints print the same way") {
    CHECK(to_string(asio::ip::udp::endpoint(asio::ip::make_address("::ffff:127.0.0.1"), 53)) == "127.0.0.1:53");
    CHECK(to_string(asio::ip::make_address("fe80::1"), 9) == "[fe80::1]:9");
}

TEST_CASE("a wildcard UDP bind is dual-stack and a bound port cannot be taken twice") {
    asio::io_context io;
    asio::ip::udp::socket a(io), b(io);
    std::uint16_t port = 0;
    REQUIRE_FALSE(open_on_listen_address("", [&](const asio::ip::address& addr) {
        return open_bound(a, {addr, 0});
    }));
    port = a.local_endpoint().port();
    CHECK(port != 0);
    if (a.local_endpoint().address().is_v6()) {
        asio::ip::udp::socket v4(io, {asio::ip::address_v4::loopback(), 0});
        v4.send_to(asio::buffer("x", 1), {asio::ip::address_v4::loopback(), port});
        char c = 0;
        asio::ip::udp::endpoint from;
        CHECK(a.receive_from(asio::buffer(&c, 1), from) == 1);
        CHECK(from.address().to_v6().is_v4_mapped());
    }
    const auto ec = open_on_listen_address("127.0.0.1", [&](const asio::ip::address& addr) {
        return open_bound(b, {addr, port});
    });
    CHECK(ec);
}

TEST_CASE("a --bind text that is no address is refused before any socket opens") {
    int calls = 0;
    const auto ec = open_on_listen_address("not-an-address", [&](const asio::ip::address&) {
        ++calls;
        return std::error_code{};
    });
    CHECK(ec == std::errc::invalid_argument);
    CHECK(calls == 0);
}
