#include "server/worker.hpp"

#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <algorithm>
#include <stdexcept>
#include <vector>

#include "net/move_socket.hpp"
#include "netlab/platform/memory.hpp"
#include "netlab/platform/process.hpp"
#include "server/connection.hpp"

namespace netlab::server {
namespace {

// How often deadlines are checked: timeouts are enforced to within this.
constexpr std::chrono::milliseconds reap_interval{200};
// Spare request states kept for reuse; more are freed, and so are states whose strings
// grew large (an echoed body, a big listing), and a grown read buffer shrinks back, so the
// pool never pins much memory.
constexpr std::size_t max_spare_states = 64;
constexpr std::size_t max_pooled_capacity = 64 * 1024;
// The fewest connections a worker must have held for their end to count as a burst
// passing (each held a request buffer and a coroutine: some 10 KiB).
constexpr std::size_t burst_connections = 64;

}  // namespace

void run_with_barrier(asio::io_context& io, const std::function<void(const std::exception&)>& on_error) {
    for (;;) {
        try {
            io.run();
            return;
        } catch (const std::exception& e) {
            if (on_error) on_error(e);
        } catch (...) {
            if (on_error) on_error(std::runtime_error("an exception of unknown type"));
        }
    }
}

void worker::run() { run_with_barrier(io, events.on_internal_error); }

bool request_state::grow(std::size_t max) {
    if (buffer.size() >= max) return false;
    buffer.resize(std::min(buffer.size() * 2, max));
    return true;
}

std::unique_ptr<request_state> worker::acquire_state() {
    if (spare_states_.empty()) return std::make_unique<request_state>();
    auto st = std::move(spare_states_.back());
    spare_states_.pop_back();
    return st;
}

void worker::release_state(std::unique_ptr<request_state> st) {
    st->used = 0;
    st->res.reset();
    const bool big = st->kept_body.capacity() > max_pooled_capacity || st->res.owned_body.capacity() > max_pooled_capacity;
    if (big || spare_states_.size() >= max_spare_states) return;
    if (st->buffer.size() > request_state::initial_buffer) {  // grown for a long head: kept small
        st->buffer.resize(request_state::initial_buffer);
        st->buffer.shrink_to_fit();
    }
    spare_states_.push_back(std::move(st));
}

worker* worker::take_move() {
    while (!moves_.empty() && moves_.back().count == 0) moves_.pop_back();
    if (moves_.empty() || draining) return nullptr;
    --moves_.back().count;
    return moves_.back().to;
}

bool worker::take_socket(asio::ip::tcp::socket& socket) {
    const auto ec = net::move_socket(socket, io);
    if (ec == asio::error::operation_not_supported) counters.move_failures.fetch_add(1);
    return !ec;
}

double worker::busy(std::chrono::nanoseconds stale_after) const {
    if (now_ns() - busy_measured_.load(std::memory_order_relaxed) > stale_after.count()) return 1.0;
    return busy_permille_.load(std::memory_order_relaxed) / 1000.0;
}

asio::awaitable<void> worker::reap() {
    asio::steady_timer timer(io);
    std::vector<connection*> snapshot;
    bool trimmed_part_way = false;  // given back while some of a burst's connections remained
    auto sampled = std::chrono::steady_clock::now();
    auto cpu = platform::thread_cpu_time();
    busy_measured_.store(as_ns(sampled), std::memory_order_relaxed);
    while (!draining || !connections.empty()) {
        // A burst has passed (the connections have fallen to a quarter of their peak): what
        // it freed goes back to the OS, so RSS returns to where it was instead of staying
        // at the peak. The peak starts again from here, so a long fall trims a few times.
        // A fall trimmed part of the way ends with one more trim when the last connection
        // has gone, so what the rest held goes back too.
        const std::size_t peak = peak_connections;
        if ((peak >= burst_connections && connections.size() <= peak / 4) || (trimmed_part_way && connections.empty())) {
            // What is kept for reuse goes too: kept, it would pin pages all over the heap.
            spare_states_.clear();
            std::vector<connection*>().swap(snapshot);
            connections.rehash(0);
            platform::release_free_memory();
            if (events.on_memory_released) events.on_memory_released({index, connections.size(), peak});
            trimmed_part_way = !connections.empty();
            peak_connections = connections.size();
        }
        timer.expires_after(reap_interval);
        std::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        const auto now = std::chrono::steady_clock::now();
        const auto cpu_now = platform::thread_cpu_time();
        if (now > sampled)
            busy_permille_.store(static_cast<unsigned>(std::max<std::int64_t>(0, 1000 * (cpu_now - cpu) / (now - sampled))),
                                 std::memory_order_relaxed);
        busy_measured_.store(as_ns(now), std::memory_order_relaxed);
        sampled = now;
        cpu = cpu_now;
        busy_connections.store(pauses_, std::memory_order_relaxed);
        pauses_ = 0;
        ++epoch_;
        // Closing a socket never destroys a connection synchronously, but copy anyway so
        // the set may change under us.
        snapshot.assign(connections.begin(), connections.end());
        // The reaper must outlive a bug in one connection: without it no deadline holds.
        try {
            for (auto* c : snapshot) c->expire_if_late(now);
        } catch (const std::exception& e) {
            if (events.on_internal_error) events.on_internal_error(e);
        }
    }
}

void worker::cut_off_all(const std::string& reason) {
    std::vector<connection*> snapshot(connections.begin(), connections.end());
    for (auto* c : snapshot) c->cut_off(reason);
    for (auto* r : tls_refusals) r->end(reason);
}

void worker::count_answer(int status, std::uint64_t body_sent, bool complete) {
    counters.requests.fetch_add(1, std::memory_order_relaxed);
    counters.bytes.fetch_add(body_sent, std::memory_order_relaxed);
    if (status >= 500) counters.server_errors.fetch_add(1, std::memory_order_relaxed);
    else if (status >= 400) counters.client_errors.fetch_add(1, std::memory_order_relaxed);
    if (!complete) counters.cut_off.fetch_add(1, std::memory_order_relaxed);
}

void worker::report(request_record rec) const {
    if (!events.on_request || !config.access_log) return;
    rec.unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch()).count();
    events.on_request(rec);
}

void worker::report_tls_failure(std::string_view client, std::string_view reason, bool refused) const {
    counters.tls_failures.fetch_add(1, std::memory_order_relaxed);
    if (!events.on_tls_failure || !config.access_log) return;
    tls_failure_record rec;
    rec.unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch()).count();
    rec.client = client;
    rec.reason = reason;
    rec.refused = refused;
    events.on_tls_failure(rec);
}

void worker::drain() {
    draining = true;
    std::vector<connection*> snapshot(connections.begin(), connections.end());
    for (auto* c : snapshot) c->drain();
    for (auto* r : tls_refusals)
        if (r->silent) r->end("shutdown: the client had sent nothing");
}

}  // namespace netlab::server
