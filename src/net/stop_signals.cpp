#include "net/stop_signals.hpp"

#include <asio/signal_set.hpp>

#include "netlab/platform/process.hpp"

namespace netlab::net {

struct stop_signals::impl : std::enable_shared_from_this<impl> {
    impl(const asio::any_io_executor& ex, std::function<void(int)> f) : set(ex), on_signal(std::move(f)) {}
    asio::signal_set set;
    std::function<void(int)> on_signal;
    int count = 0;
    bool cancelled = false;

    void wait() {
        set.async_wait([self = shared_from_this()](const std::error_code& ec, int) {
            if (ec || self->cancelled) return;
            self->on_signal(++self->count);
            if (!self->cancelled) self->wait();
        });
    }
};

stop_signals::stop_signals(const asio::any_io_executor& ex, std::function<void(int)> on_signal)
    : impl_(std::make_shared<impl>(ex, std::move(on_signal))) {
    for (const int sig : platform::stop_signals()) {
        impl_->set.add(sig);
        // A blocked write to stdout (a slow pipe) goes on after Ctrl-C instead of failing
        // with EINTR and losing its line; asio's handler itself is unchanged.
        platform::restart_calls_interrupted_by(sig);
    }
    impl_->wait();
}

stop_signals::~stop_signals() { cancel(); }

void stop_signals::cancel() {
    impl_->cancelled = true;
    std::error_code ignored;
    impl_->set.cancel(ignored);
}

}  // namespace netlab::net
