#include <doctest/doctest.h>

#include <asio.hpp>
#include <chrono>

#include "netlab/platform/error.hpp"
#include "netlab/platform/socket_options.hpp"

namespace pf = netlab::platform;
using asio::ip::tcp;
using asio::ip::udp;

namespace {

template <class Socket>
pf::native_socket handle(Socket& s) {
    return static_cast<pf::native_socket>(s.native_handle());
}

// Opens a listener the way serve-http does: options before bind.
std::error_code listen_on(tcp::acceptor& a, const tcp::endpoint& ep, bool v6only) {
    std::error_code ec;
    a.open(ep.protocol(), ec);
    if (ec) return ec;
    if ((ec = pf::set_server_address_reuse(handle(a)))) return ec;
    if (ep.address().is_v6() && (ec = pf::set_ipv6_only(handle(a), v6only))) return ec;
    a.bind(ep, ec);
    if (ec) return ec;
    a.listen(asio::socket_base::max_listen_connections, ec);
    return ec;
}

bool ipv6_loopback_works(asio::io_context& io) {
    tcp::acceptor a(io);
    return !listen_on(a, {asio::ip::address_v6::loopback(), 0}, true);
}

}  // namespace

TEST_CASE("a second server cannot take a port that is in use") {
    asio::io_context io;
    tcp::acceptor first(io), second(io);
    REQUIRE_FALSE(listen_on(first, {asio::ip::make_address("127.0.0.1"), 0}, false));
    const auto port = first.local_endpoint().port();
    const auto ec = listen_on(second, {asio::ip::make_address("127.0.0.1"), port}, false);
    CHECK(pf::classify(ec) == pf::error_kind::address_in_use);
}

TEST_CASE("a restarted server binds its port again while old connections linger") {
    asio::io_context io;
    unsigned short port = 0;
    {
        tcp::acceptor a(io);
        REQUIRE_FALSE(listen_on(a, {asio::ip::make_address("127.0.0.1"), 0}, false));
        port = a.local_endpoint().port();
        tcp::socket client(io), served(io);
        client.connect(a.local_endpoint());
        a.accept(served);
        served.close();  // the server closes first: its side goes to TIME_WAIT
        client.close();
    }
    tcp::acceptor again(io);
    CHECK_FALSE(listen_on(again, {asio::ip::make_address("127.0.0.1"), port}, false));
}

TEST_CASE("a dual-stack IPv6 listener accepts IPv4 clients") {
    asio::io_context io;
    if (!ipv6_loopback_works(io)) {
        MESSAGE("no IPv6 on this host; skipped");
        return;
    }
    tcp::acceptor a(io);
    REQUIRE_FALSE(listen_on(a, {asio::ip::address_v6::any(), 0}, false));
    tcp::socket client(io), served(io);
    std::error_code ec;
    client.connect({asio::ip::make_address("127.0.0.1"), a.local_endpoint().port()}, ec);
    REQUIRE_FALSE(ec);
    a.accept(served);
    const auto peer = served.remote_endpoint().address();
    CHECK(peer.is_v6());
    CHECK(peer.to_v6().is_v4_mapped());
}

TEST_CASE("an IPv6-only listener refuses IPv4 clients") {
    asio::io_context io;
    if (!ipv6_loopback_works(io)) {
        MESSAGE("no IPv6 on this host; skipped");
        return;
    }
    tcp::acceptor a(io);
    REQUIRE_FALSE(listen_on(a, {asio::ip::address_v6::any(), 0}, true));
    tcp::socket client(io);
    std::error_code ec;
    client.connect({asio::ip::make_address("127.0.0.1"), a.local_endpoint().port()}, ec);
    CHECK(pf::classify(ec) == pf::error_kind::refused);
}

TEST_CASE("a UDP socket keeps receiving after an ICMP port-unreachable") {
    asio::io_context io;
    udp::socket receiver(io, {asio::ip::make_address("127.0.0.1"), 0});
    REQUIRE_FALSE(pf::disable_udp_connection_reset(handle(receiver)));
    // A port with nobody behind it: sending there provokes ICMP port-unreachable.
    udp::endpoint nobody;
    {
        udp::socket gone(io, {asio::ip::make_address("127.0.0.1"), 0});
        nobody = gone.local_endpoint();
    }
    receiver.send_to(asio::buffer("x", 1), nobody);
    udp::socket peer(io, {asio::ip::make_address("127.0.0.1"), 0});
    peer.send_to(asio::buffer("hello", 5), receiver.local_endpoint());

    // Received with a deadline: a lost datagram must fail the test, not hang it.
    char buf[16];
    udp::endpoint from;
    std::error_code ec = asio::error::timed_out;
    std::size_t n = 0;
    receiver.async_receive_from(asio::buffer(buf), from, [&](std::error_code e, std::size_t got) {
        ec = e;
        n = got;
    });
    io.run_for(std::chrono::seconds(5));
    CHECK_FALSE(ec);
    CHECK(std::string(buf, n) == "hello");
    CHECK(from == peer.local_endpoint());
}
