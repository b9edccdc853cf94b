#include "support/udp_relay.hpp"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <atomic>
#include <thread>
#include <vector>

#include "support/udp_peers.hpp"

namespace netlab::test {

using asio::ip::udp;

struct udp_relay::impl {
    impl(unsigned short target_port, impairment p)
        : plan(std::move(p)),
          front(io, {asio::ip::address_v4::loopback(), 0}),
          back(io, {asio::ip::address_v4::loopback(), 0}) {
        back.connect({asio::ip::address_v4::loopback(), target_port});
        // Room for bursts: the relay must not add losses of its own.
        front.set_option(asio::socket_base::receive_buffer_size(4 << 20));
        back.set_option(asio::socket_base::receive_buffer_size(4 << 20));
    }

    struct held {
        std::uint64_t release_after;
        std::vector<char> bytes;
    };

    impairment plan;
    asio::io_context io;
    udp::socket front;  // the client's side
    udp::socket back;   // connected to the target
    udp::endpoint client;
    std::atomic<std::uint64_t> count{0};
    std::vector<held> holding;
    std::thread thread;

    void forward(const char* data, std::size_t n) {
        std::error_code ignored;
        back.send(asio::buffer(data, n), 0, ignored);
    }

    asio::awaitable<void> from_client() {
        std::vector<char> buf(65536);
        for (;;) {
            std::error_code ec;
            const std::size_t n =
                co_await front.async_receive_from(asio::buffer(buf), client, asio::redirect_error(asio::use_awaitable, ec));
            if (ec == asio::error::operation_aborted) co_return;
            if (ec) continue;
            const std::uint64_t i = count++;
            if (const auto d = plan.delay.find(i); d != plan.delay.end()) {
                holding.push_back({i + d->second, std::vector<char>(buf.begin(), buf.begin() + static_cast<long>(n))});
            } else if (!plan.drop.count(i)) {
                forward(buf.data(), n);
                if (plan.duplicate.count(i)) forward(buf.data(), n);
            }
            for (auto it = holding.begin(); it != holding.end();) {
                if (it->release_after > i) {
                    ++it;
                    continue;
                }
                forward(it->bytes.data(), it->bytes.size());
                it = holding.erase(it);
            }
        }
    }

    asio::awaitable<void> from_target() {
        std::vector<char> buf(65536);
        for (;;) {
            std::error_code ec;
            const std::size_t n = co_await back.async_receive(asio::buffer(buf), asio::redirect_error(asio::use_awaitable, ec));
            if (ec == asio::error::operation_aborted) co_return;
            if (ec || client.port() == 0) continue;  // refused (nobody there yet), or no client yet
            front.send_to(asio::buffer(buf.data(), n), client, 0, ec);
        }
    }
};

udp_relay::udp_relay(unsigned short target_port, impairment plan)
    : impl_(std::make_unique<impl>(target_port, std::move(plan))) {
    asio::co_spawn(impl_->io, impl_->from_client(), asio::detached);
    asio::co_spawn(impl_->io, impl_->from_target(), asio::detached);
    impl_->thread = std::thread([d = impl_.get()] { d->io.run(); });
}

udp_relay::~udp_relay() {
    impl_->io.stop();
    impl_->thread.join();
}

unsigned short udp_relay::port() const { return impl_->front.local_endpoint().port(); }

std::uint64_t udp_relay::received() const { return impl_->count.load(); }

std::uint64_t udp_relay::kernel_drops() const {
    return socket_drops(impl_->front.native_handle()) + socket_drops(impl_->back.native_handle());
}

}  // namespace netlab::test
