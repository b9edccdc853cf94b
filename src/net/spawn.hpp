// The one way to start a coroutine in netlab. asio::detached drops the exception that
// ends a coroutine without a word: udp-listen's receive loop died of bad_alloc that way
// and the listener went deaf, kept its port and exited 0. Here the completion handler
// rethrows it into the run loop that resumed the coroutine, so it comes out of that
// thread's io_context::run(): the caller of run() is the barrier that reports it (a
// command's frame turns it into one line and exit 1; serve-http's workers report it and
// go on). Nothing in src/ may use asio::detached (tests/scripts/test_no_detached.sh).
#pragma once

#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <exception>
#include <utility>

namespace netlab::net {

// The completion handler: rethrows an exception into the run loop.
inline constexpr auto rethrow_to_run_loop = [](const std::exception_ptr& e) {
    if (e) std::rethrow_exception(e);
};

// Starts `work` on `ex` (an executor or an execution context such as an io_context).
template <typename Executor, typename T>
void spawn(Executor&& ex, asio::awaitable<T> work) {
    asio::co_spawn(std::forward<Executor>(ex), std::move(work),
                   [](const std::exception_ptr& e, auto&&...) { rethrow_to_run_loop(e); });
}

}  // namespace netlab::net
