#include <doctest/doctest.h>

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/write.hpp>
#include <array>
#include <string>

#include "net/move_socket.hpp"
#include "netlab/platform/process.hpp"

using asio::ip::tcp;

TEST_CASE("a connected socket moves to another io_context and its next read completes there") {
    asio::io_context from;
    asio::io_context to;
    tcp::acceptor acceptor(from, {asio::ip::address_v4::loopback(), 0});
    tcp::socket client(from);
    client.connect(acceptor.local_endpoint());
    tcp::socket accepted(from);
    acceptor.accept(accepted);
    const auto peer = accepted.remote_endpoint();

    const auto ec = netlab::net::move_socket(accepted, to);
    if (ec) {
        // Only where the OS cannot take a socket off its completion port (Wine, old Windows):
        // the socket stays where it was, open and connected.
        MESSAGE("this OS cannot move a socket: " << ec.message());
        CHECK(ec == asio::error::operation_not_supported);
        CHECK(netlab::platform::os_name() == "windows");
        CHECK(&accepted.get_executor().context() == &from);
    } else {
        CHECK(&accepted.get_executor().context() == &to);
    }
    REQUIRE(accepted.is_open());
    CHECK(accepted.remote_endpoint() == peer);  // the same connection

    asio::write(client, asio::buffer(std::string("moved")));
    std::array<char, 16> got{};
    std::size_t n = 0;
    accepted.async_read_some(asio::buffer(got), [&](std::error_code read_ec, std::size_t k) {
        CHECK_FALSE(read_ec);
        n = k;
    });
    // The read completes on the io_context that now owns the socket, and only there.
    asio::io_context& owner = ec ? from : to;
    asio::io_context& other = ec ? to : from;
    CHECK(other.poll() == 0);
    owner.run_for(std::chrono::seconds(5));
    CHECK(std::string(got.data(), n) == "moved");
}
