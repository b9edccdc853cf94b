#include <doctest/doctest.h>

#include <asio/io_context.hpp>
#include <vector>

#include "net/endpoint.hpp"
#include "net/listener.hpp"
#include "net/socket_trace.hpp"

namespace pf = netlab::platform;

TEST_CASE("listening and closing are traced with handles and addresses") {
    std::vector<pf::trace_record> seen;
    pf::set_trace_sink([&](const pf::trace_record& r) { seen.push_back(r); });
    asio::io_context io;
    asio::ip::tcp::acceptor a(io);
    REQUIRE_FALSE(netlab::net::open_listener(a, {asio::ip::make_address("127.0.0.1"), 0}, 8));
    asio::ip::tcp::socket client(io);
    client.connect(a.local_endpoint());
    netlab::net::trace_socket(pf::trace_step::connect, client);
    netlab::net::traced_close(client);
    pf::set_trace_sink({});

    REQUIRE(seen.size() == 5);
    CHECK(seen[0].step == pf::trace_step::socket);
    CHECK(seen[1].step == pf::trace_step::bind);
    CHECK(seen[2].step == pf::trace_step::listen);
    CHECK(seen[2].local == netlab::net::to_string(a.local_endpoint()));
    CHECK(seen[3].step == pf::trace_step::connect);
    CHECK(seen[3].remote == netlab::net::to_string(a.local_endpoint()));
    CHECK(seen[4].step == pf::trace_step::close);
    CHECK(seen[3].handle == seen[4].handle);
    CHECK_FALSE(client.is_open());
}

TEST_CASE("nothing is traced without a sink") {
    asio::io_context io;
    asio::ip::tcp::socket s(io);
    s.open(asio::ip::tcp::v4());
    netlab::net::trace_socket(pf::trace_step::socket, s);  // must not crash or print
    CHECK_FALSE(pf::tracing_enabled());
}

TEST_CASE("a UDP socket's bind and close are traced with its address") {
    std::vector<pf::trace_record> seen;
    pf::set_trace_sink([&](const pf::trace_record& r) { seen.push_back(r); });
    asio::io_context io;
    asio::ip::udp::socket s(io);
    REQUIRE_FALSE(netlab::net::open_bound(s, {asio::ip::make_address("127.0.0.1"), 0}));
    netlab::net::traced_close(s);
    pf::set_trace_sink({});
    REQUIRE(seen.size() == 3);
    CHECK(seen[0].step == pf::trace_step::socket);
    CHECK(seen[0].detail == "AF_INET, SOCK_DGRAM");
    CHECK(seen[1].step == pf::trace_step::bind);
    CHECK(seen[2].step == pf::trace_step::close);
    CHECK(seen[2].local.rfind("127.0.0.1:", 0) == 0);
}
