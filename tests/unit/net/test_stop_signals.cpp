#include <doctest/doctest.h>

#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <csignal>

#include "net/stop_signals.hpp"

TEST_CASE("each stop signal reaches the callback with its count, and cancel lets run() return") {
    asio::io_context io;
    int seen = 0;
    netlab::net::stop_signals stop(io.get_executor(), [&](int count) {
        seen = count;
        if (count == 2) stop.cancel();
    });
    asio::post(io, [] { std::raise(SIGINT); });
    asio::post(io, [] { std::raise(SIGINT); });
    io.run_for(std::chrono::seconds(5));
    CHECK(seen == 2);
    CHECK(io.stopped());
}
