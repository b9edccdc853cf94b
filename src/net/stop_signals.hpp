// Ctrl-C, SIGTERM (and Ctrl-Break on Windows) as a callback on an executor, so every
// long-running subcommand stops the same way: the first signal asks for a clean stop,
// a second one for an immediate stop (the callback gets the count).
#pragma once

#include <asio/any_io_executor.hpp>
#include <functional>
#include <memory>

namespace netlab::net {

class stop_signals {
public:
    // Starts catching at once: a signal that arrives before the caller has announced
    // itself (a listening event another program waits for) is not lost.
    stop_signals(const asio::any_io_executor& ex, std::function<void(int count)> on_signal);
    ~stop_signals();
    stop_signals(const stop_signals&) = delete;
    stop_signals& operator=(const stop_signals&) = delete;

    // Stops catching, so the executor's run() can return.
    void cancel();

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

}  // namespace netlab::net
