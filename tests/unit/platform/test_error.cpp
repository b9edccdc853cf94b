#include <doctest/doctest.h>

#include <asio.hpp>

#include "netlab/platform/error.hpp"
#include "netlab/platform/limits.hpp"

using netlab::platform::classify;
using netlab::platform::error_kind;

namespace {

// A loopback port that nothing listens on: bound, then closed again.
unsigned short closed_port(asio::io_context& io) {
    asio::ip::tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
    const auto port = a.local_endpoint().port();
    a.close();
    return port;
}

}  // namespace

TEST_CASE("portable std::errc codes map to their kinds") {
    CHECK(classify(std::make_error_code(std::errc::connection_refused)) == error_kind::refused);
    CHECK(classify(std::make_error_code(std::errc::timed_out)) == error_kind::timed_out);
    CHECK(classify(std::make_error_code(std::errc::connection_reset)) == error_kind::reset);
    CHECK(classify(std::make_error_code(std::errc::address_in_use)) == error_kind::address_in_use);
    CHECK(classify(std::make_error_code(std::errc::too_many_files_open)) == error_kind::too_many_open_files);
    CHECK(classify(std::make_error_code(std::errc::no_such_file_or_directory)) == error_kind::not_found);
    CHECK(classify(std::make_error_code(std::errc::network_unreachable)) == error_kind::network_unreachable);
    CHECK(classify(std::make_error_code(std::errc::host_unreachable)) == error_kind::host_unreachable);
    CHECK(classify(std::make_error_code(std::errc::permission_denied)) == error_kind::access_denied);
}

TEST_CASE("no error is kind none") { CHECK(classify(std::error_code{}) == error_kind::none); }

TEST_CASE("asio's own error codes map to their kinds on every OS") {
    CHECK(classify(asio::error::eof) == error_kind::end_of_stream);
    CHECK(classify(asio::error::operation_aborted) == error_kind::cancelled);
    CHECK(classify(asio::error::connection_refused) == error_kind::refused);
    CHECK(classify(asio::error::connection_reset) == error_kind::reset);
    CHECK(classify(asio::error::timed_out) == error_kind::timed_out);
    CHECK(classify(asio::error::host_not_found) == error_kind::name_not_resolved);
    CHECK(classify(asio::error::host_not_found_try_again) == error_kind::name_lookup_failed);
    CHECK(classify(asio::error::address_in_use) == error_kind::address_in_use);
    CHECK(classify(asio::error::would_block) == error_kind::would_block);
}

TEST_CASE("a real refused connection on loopback is reported as refused") {
    asio::io_context io;
    const auto port = closed_port(io);
    asio::ip::tcp::socket s(io);
    std::error_code ec;
    s.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
    REQUIRE(ec);
    CHECK(classify(ec) == error_kind::refused);
    CHECK(netlab::platform::describe(ec) == "connection refused");
}

TEST_CASE("every kind has a stable name and words") {
    CHECK(netlab::platform::kind_name(error_kind::refused) == "refused");
    CHECK(netlab::platform::kind_name(error_kind::too_many_open_files) == "too_many_open_files");
    CHECK(netlab::platform::kind_message(error_kind::timed_out) == "timed out");
    for (int k = 0; k <= static_cast<int>(error_kind::other); ++k) {
        const auto kind = static_cast<error_kind>(k);
        CHECK_FALSE(netlab::platform::kind_name(kind).empty());
        CHECK_FALSE(netlab::platform::kind_message(kind).empty());
    }
}

TEST_CASE("an unknown system error is described in one line") {
    const std::error_code ec(123456, std::system_category());
    CHECK(classify(ec) == error_kind::other);
    const auto text = netlab::platform::describe(ec);
    CHECK_FALSE(text.empty());
    CHECK(text.find('\n') == std::string::npos);
}

TEST_CASE("out of descriptors is described as the resource and what to do") {
    const auto text = netlab::platform::describe(std::make_error_code(std::errc::too_many_files_open));
    CHECK(text.starts_with("out of file descriptors (too many open files)"));
    if (netlab::platform::open_file_limit().applicable) CHECK(text.ends_with("raise the limit with `ulimit -n`"));
    CHECK(netlab::platform::describe(std::make_error_code(std::errc::too_many_files_open_in_system))
              .starts_with("out of file descriptors (too many open files in the system)"));
}
