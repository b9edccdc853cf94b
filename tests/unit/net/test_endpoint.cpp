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
