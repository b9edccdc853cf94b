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

    REQUIRE(seen.size() == 6);
    CHECK(seen[0].step == pf::trace_step::socket);
    CHECK(seen[0].local.empty());  // not bound yet: no 0.0.0.0:0 noise
    CHECK(seen[1].step == pf::trace_step::setsockopt);
    CHECK(seen[1].detail.find("=1") != std::string::npos);
    CHECK(seen[2].step == pf::trace_step::bind);
    CHECK(seen[3].step == pf::trace_step::listen);
    CHECK(seen[3].local == netlab::net::to_string(a.local_endpoint()));
    CHECK(seen[4].step == pf::trace_step::connect);
    CHECK(seen[4].remote == netlab::net::to_string(a.local_endpoint()));
    CHECK(seen[5].step == pf::trace_step::close);
    CHECK(seen[4].handle == seen[5].handle);
    CHECK_FALSE(client.is_open());
}

TEST_CASE("a failed connect is traced with the address it tried") {
    std::vector<pf::trace_record> seen;
    asio::io_context io;
    asio::ip::tcp::socket s(io);
    s.open(asio::ip::tcp::v4());
    const asio::ip::tcp::endpoint to{asio::ip::make_address("127.0.0.1"), 9};
    pf::set_trace_sink([&](const pf::trace_record& r) { seen.push_back(r); });
    netlab::net::trace_connect(s, to, asio::error::connection_refused);
    pf::set_trace_sink({});
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].remote == "127.0.0.1:9");
    CHECK(seen[0].error == asio::error::connection_refused);
}

TEST_CASE("end of stream on recv is the peer closing: 0 bytes, no error") {
    std::vector<pf::trace_record> seen;
    asio::io_context io;
    asio::ip::tcp::socket s(io);
    s.open(asio::ip::tcp::v4());
    pf::set_trace_sink([&](const pf::trace_record& r) { seen.push_back(r); });
    netlab::net::trace_socket(pf::trace_step::recv, s, 0, asio::error::eof);
    pf::set_trace_sink({});
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].bytes == 0);
    CHECK_FALSE(seen[0].error);
    CHECK(seen[0].detail == "peer closed (end of stream)");
}

TEST_CASE("every trace step has a name") {
    for (int i = 0; i < static_cast<int>(pf::trace_step::count); ++i) {
        const auto name = pf::step_name(static_cast<pf::trace_step>(i));
        CHECK_FALSE(name.empty());
        CHECK(name != "?");
    }
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
