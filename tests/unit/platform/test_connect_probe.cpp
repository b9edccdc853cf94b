#include <doctest/doctest.h>

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>

#include "netlab/platform/connect_probe.hpp"
#include "netlab/platform/error.hpp"
#include "netlab/platform/system_files.hpp"

using namespace netlab::platform;
using asio::ip::tcp;

namespace {

native_socket handle(tcp::socket& s) { return static_cast<native_socket>(s.native_handle()); }

// start_connect, then (if the answer is not there yet) wait for writability and ask again.
connect_progress connect_and_wait(tcp::socket& s, const tcp::endpoint& target, std::error_code& answer) {
    auto p = start_connect(handle(s), target.data(), target.size(), answer);
    for (int i = 0; i < 100 && p == connect_progress::in_progress; ++i) {
        s.wait(tcp::socket::wait_write);
        p = connect_answer(handle(s), target.data(), target.size(), answer);
    }
    return p;
}

}  // namespace

TEST_CASE("probe options can be set on a fresh socket (and are needed only on Windows)") {
    asio::io_context ctx;
    tcp::socket s(ctx, tcp::v4());
    const auto applied = set_connect_probe_options(handle(s), std::chrono::milliseconds(250));
    // Each option is best effort; what matters is that the socket still connects below.
    (void)applied;
    CHECK(s.is_open());
}

TEST_CASE("a connect to a refusing loopback port is answered on the spot or left to the event loop") {
    asio::io_context ctx;
    tcp::socket refusing(ctx, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    const tcp::endpoint target = refusing.local_endpoint();
    tcp::socket s(ctx, tcp::v4());
    s.non_blocking(true);
    std::error_code answer;
    const auto p = connect_and_wait(s, target, answer);
    if (p == connect_progress::unsupported) return;  // Windows: ConnectEx through the completion port
    REQUIRE(p == connect_progress::answered);
    CHECK(classify(answer) == error_kind::refused);
    CHECK(connect_settled(handle(s)));

    // Where the OS allows it the same socket connects again after a refusal: refused
    // again by the same port, then connected by a listener on another.
    if (reconnects_after_refusal()) {
        CHECK(connect_and_wait(s, target, answer) == connect_progress::answered);
        CHECK(classify(answer) == error_kind::refused);
        tcp::acceptor acceptor(ctx, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
        CHECK(connect_and_wait(s, acceptor.local_endpoint(), answer) == connect_progress::answered);
        CHECK_FALSE(static_cast<bool>(answer));
    }
}

TEST_CASE("a connect to a listening loopback port answers connected") {
    asio::io_context ctx;
    tcp::acceptor acceptor(ctx, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    tcp::socket s(ctx, tcp::v4());
    s.non_blocking(true);
    const auto target = acceptor.local_endpoint();
    std::error_code answer;
    const auto p = connect_and_wait(s, target, answer);
    if (p == connect_progress::unsupported) return;
    CHECK(p == connect_progress::answered);
    CHECK_FALSE(static_cast<bool>(answer));
}

TEST_CASE("the services database has a path") {
    CHECK_FALSE(services_database_path().empty());
}
