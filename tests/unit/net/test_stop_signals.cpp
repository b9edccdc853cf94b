#include <doctest/doctest.h>

#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <csignal>

#include "net/stop_signals.hpp"
#include "netlab/platform/process.hpp"

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

TEST_CASE("while the stop signals are caught, a call they interrupt is restarted, never failed with EINTR") {
    asio::io_context io;
    netlab::net::stop_signals stop(io.get_executor(), [](int) {});
    // A write to a blocked stdout would otherwise fail and its line be lost.
    for (const int sig : netlab::platform::stop_signals()) CHECK(netlab::platform::calls_restart_after(sig));
}
