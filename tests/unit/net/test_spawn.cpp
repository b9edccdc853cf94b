#include "net/spawn.hpp"

#include <doctest/doctest.h>

#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/use_awaitable.hpp>
#include <new>
#include <stdexcept>

using namespace netlab;

namespace {

asio::awaitable<void> throws_after_a_yield(bool& resumed) {
    co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
    resumed = true;
    throw std::bad_alloc();
}

asio::awaitable<int> returns_a_value(int& got) {
    got = 42;
    co_return 42;
}

}  // namespace

TEST_CASE("an exception that ends a spawned coroutine comes out of the run loop, never dropped") {
    asio::io_context io;
    bool resumed = false;
    net::spawn(io, throws_after_a_yield(resumed));
    CHECK_THROWS_AS(io.run(), std::bad_alloc);
    CHECK(resumed);
}

TEST_CASE("a spawned coroutine that ends normally leaves the run loop quiet, whatever it returns") {
    asio::io_context io;
    int got = 0;
    net::spawn(io.get_executor(), returns_a_value(got));
    CHECK_NOTHROW(io.run());
    CHECK(got == 42);
}
