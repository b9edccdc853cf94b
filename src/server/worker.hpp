// One thread's share of the server: its own io_context (no locks between threads), its
// file cache, and the connections it owns.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <unordered_set>
#include <utility>
#include <vector>

#include "http/chunked.hpp"
#include "http/request_parser.hpp"
#include "net/spawn.hpp"

#include "server/config.hpp"
#include "server/events.hpp"
#include "server/file_cache.hpp"
#include "server/static_site.hpp"

namespace netlab::server {

class connection;

// The completion handler for co_spawn (net/spawn.hpp): an exception that ends a coroutine
// is rethrown into the run loop of the thread it ran on, whose barrier reports it.
using net::rethrow_to_run_loop;

// Runs `io` until it stops. An exception that escapes a handler is an exception barrier's
// business (as asio's documentation recommends): reported through `on_error`, then the loop
// goes on, so a bug costs one operation, never the thread or the server.
void run_with_barrier(asio::io_context& io, const std::function<void(const std::exception&)>& on_error);

// What a connection needs only while a request is in flight: the read buffer, the parsed
// head and the response. Pooled per worker, so idle keep-alive connections hold none.
struct request_state {
    // The read buffer starts small: most heads are a few hundred bytes, and a connection
    // that trickles its head (slowloris) then holds this much, not the head limit. It
    // grows when a head needs more (see grow).
    static constexpr std::size_t initial_buffer = 4 * 1024;

    request_state() : buffer(initial_buffer) { chunked.set_strict(true); }
    // Doubles the buffer, to `max` at most; false when it is that big already. Views into
    // the buffer (the parsed head) are gone afterwards: parse the head again.
    bool grow(std::size_t max);

    std::vector<char> buffer;
    std::size_t used = 0;         // bytes in buffer
    http::request_head req;
    http::request_parse_state parsed;  // how far the head has been read
    std::uint64_t body_bytes = 0;  // request body bytes read (and kept or dropped)
    std::string kept_body;         // the body's first bytes, for --echo and --dump
    std::uint64_t body_sent = 0;   // response body bytes actually sent
    http::chunked_decoder chunked;
    response res;
};

// Counters shared by all workers.
struct shared_counters {
    std::atomic<std::uint64_t> connections{0};
    // Connections holding a place under --max-connections. A connection gives its place
    // back before its socket is closed, so a client that sees the close and connects again
    // at once finds the place free. (Shutdown waits for the connections themselves:
    // worker::held.)
    std::atomic<std::uint64_t> active{0};
    std::atomic<std::uint64_t> requests{0};
    std::atomic<std::uint64_t> bytes{0};
    std::atomic<std::uint64_t> client_errors{0};
    std::atomic<std::uint64_t> server_errors{0};
    std::atomic<std::uint64_t> timeouts{0};
    std::atomic<std::uint64_t> refused{0};
    std::atomic<std::uint64_t> cut_off{0};
    std::atomic<std::uint64_t> tls_failures{0};
    // Sockets that could not move between workers because the OS would not release one
    // from its completion port. After a few (Windows before 8.1 and Wine never can; asio
    // reports any failure of the call the same way), every worker takes new connections.
    std::atomic<unsigned> move_failures{0};
    bool sockets_stay() const { return move_failures.load(std::memory_order_relaxed) >= 3; }
};

// serve-http --tls: a connection refused over --max-connections whose 503 waits for the
// client's TLS handshake (plaintext bytes would break its TLS stream). It holds no place,
// but shutdown waits for it, so shutdown ends it as it ends a connection: at once while
// the client has sent nothing (it is idle), at the cut-off when a handshake is under way.
struct tls_refusal {
    asio::ip::tcp::socket* socket = nullptr;
    bool silent = true;     // no byte from the client yet
    std::string ended_for;  // why it was ended from outside (shutdown, the header timeout)
    // Cancels what the refusal waits for, which then ends with these words; the first
    // reason given stays.
    void end(std::string why) {
        if (!ended_for.empty()) return;
        ended_for = std::move(why);
        std::error_code ignored;
        socket->cancel(ignored);
    }
};

class worker {
public:
    worker(const server_config& cfg, const server_events& ev, const static_site& files, shared_counters& totals)
        : config(cfg), events(ev), site(files), counters(totals), cache(cfg.cache_file_limit, cfg.cache_total_limit) {
        // asio opens the event loop's descriptors (epoll, eventfd, timerfd) at the first
        // timer or socket. Later, inside a coroutine, that could not fail cleanly: asio
        // starts an operation in a noexcept await_suspend, so out of descriptors or memory
        // there is std::terminate and exit 134. Here it is an exception out of start(): a
        // resource error, one line and exit 1.
        const asio::steady_timer open_the_event_loop_now(io);
    }

    const server_config& config;
    const server_events& events;
    const static_site& site;
    shared_counters& counters;
    unsigned index = 0;  // its place among the server's workers, for the events that name it
    file_cache cache;
    std::unordered_set<connection*> connections;  // touched only on this worker's thread
    // The most connections held at once since memory was last given back (see reap()):
    // counted as each comes, so a burst shorter than a reap interval counts too.
    std::size_t peak_connections = 0;
    void add_connection(connection* c) {
        connections.insert(c);
        peak_connections = std::max(peak_connections, connections.size());
    }
    bool draining = false;
    // Refusals waiting for a TLS handshake on this worker; touched only on its thread.
    std::unordered_set<tls_refusal*> tls_refusals;

    std::unique_ptr<request_state> acquire_state();
    // The most a request's read buffer grows to: the largest allowed head, and a window
    // for the body bytes read behind it.
    std::size_t max_request_buffer() const { return config.max_head_bytes + 16 * 1024; }
    void release_state(std::unique_ptr<request_state> st);

    // Runs the worker's io_context on the calling thread, behind an exception barrier.
    void run();

    // Enforces connection deadlines a few times a second; ends when the worker drains.
    asio::awaitable<void> reap();

    // Closes idle connections (and refusals whose client has sent nothing) and lets busy
    // ones finish (runs on this worker's thread).
    void drain();

    // Closes every connection and refusal now; a response in flight is reported as cut
    // off for `reason`.
    void cut_off_all(const std::string& reason);

    // Counts one answer in the totals: a request, its status class, the body bytes sent.
    void count_answer(int status, std::uint64_t body_sent, bool complete);

    // Reports one answer to the access log, stamped with the time now, unless the log is
    // switched off (-q).
    void report(request_record rec) const;

    // Counts a failed TLS handshake and reports it beside the access log (and like it, not
    // with -q).
    void report_tls_failure(std::string_view client, std::string_view reason, bool refused = false) const;

    // Balancing (balance.hpp). The connections this worker holds or has been handed:
    // counted up by whoever hands one over, down when one ends; read by the balancer.
    std::atomic<unsigned> held{0};
    // Of those, how many paused between requests in the last reap interval: the ones
    // being served. Only they can move, so moves are planned by them.
    std::atomic<unsigned> busy_connections{0};
    // A connection at a pause between requests says so; `epoch` is its own note of the
    // last interval it was counted in.
    void note_pause(unsigned& epoch) {
        if (epoch != epoch_) {
            epoch = epoch_;
            ++pauses_;
        }
    }
    // This worker's thread's CPU over its last reap interval, 0..1 of a core; 1 when the
    // figure is older than `stale_after` (the thread has been too busy to measure itself:
    // a long answer from the file system).
    double busy(std::chrono::nanoseconds stale_after) const;
    // Replaces the moves asked of this worker: `count` connections to `to` each, taken by
    // connections at their next pause between requests (on this worker's thread).
    struct move_request {
        worker* to = nullptr;
        unsigned count = 0;
    };
    void request_moves(std::vector<move_request> moves) { moves_ = std::move(moves); }
    // A connection between requests asks whether to move, and where; null: stay.
    worker* take_move();
    // Moves `socket` (no operation pending on it) onto this worker's io_context; false
    // when it stays where it was. A refusal by the OS is counted in
    // counters.move_failures; after a few the balancer stops asking.
    bool take_socket(asio::ip::tcp::socket& socket);

    // Answering from the file system runs on the worker's thread and may take long (a
    // listing of 40,000 entries, a slow disk): meanwhile a new connection should go to
    // another worker. Marked around each answer; read by the acceptor.
    // An answer that takes longer than this is a long one.
    static constexpr std::chrono::milliseconds long_answer{10};
    class file_work {
    public:
        // An answer that begins as a long one ends (the next of several slow requests
        // pipelined on one connection) continues its run: the worker has had no time for
        // anyone else, and is busy since the run began.
        explicit file_work(worker& w) : w_(w) {
            const auto now = now_ns();
            const bool goes_on = w_.run_was_long_ && now - w_.file_work_ended_ < std::chrono::nanoseconds(long_answer).count();
            if (!goes_on) w_.run_since_ = now;
            w_.file_work_since_.store(w_.run_since_, std::memory_order_relaxed);
            if (!goes_on && w_.on_file_work) w_.on_file_work(now);
        }
        ~file_work() {
            w_.file_work_ended_ = now_ns();
            w_.run_was_long_ = w_.file_work_ended_ - w_.run_since_ > std::chrono::nanoseconds(long_answer).count();
            w_.file_work_since_.store(0, std::memory_order_relaxed);
        }
        file_work(const file_work&) = delete;
        file_work& operator=(const file_work&) = delete;

    private:
        worker& w_;
    };
    // Busy with one answer for longer than `limit` now.
    bool stuck_in_file_work(std::chrono::nanoseconds limit) const {
        const auto since = file_work_since_.load(std::memory_order_relaxed);
        return since != 0 && now_ns() - since > limit.count();
    }
    // When the answer (or run of long answers) it is busy with began (steady clock, ns), or
    // 0 when it is not busy.
    std::int64_t file_work_started() const { return file_work_since_.load(std::memory_order_relaxed); }
    // Called on this worker's thread as each answer from the file system begins, with its
    // start time; for -v, which reports a worker that stays busy (unset otherwise).
    std::function<void(std::int64_t)> on_file_work;

private:
    static std::int64_t as_ns(std::chrono::steady_clock::time_point t) {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
    }
    static std::int64_t now_ns() { return as_ns(std::chrono::steady_clock::now()); }

    std::vector<std::unique_ptr<request_state>> spare_states_;
    std::vector<move_request> moves_;
    std::atomic<std::int64_t> file_work_since_{0};  // steady clock; 0: not in file work
    std::int64_t run_since_ = 0;        // this worker's thread only: the run of answers began
    std::int64_t file_work_ended_ = 0;  // the last answer ended
    bool run_was_long_ = false;         // and its run had taken long
    std::atomic<unsigned> busy_permille_{0};        // busy(), in thousandths
    std::atomic<std::int64_t> busy_measured_{0};    // when, steady clock
    unsigned epoch_ = 1;   // reap intervals so far (a connection's note starts at 0)
    unsigned pauses_ = 0;  // connections that paused in this one

public:
    // Declared last so it is destroyed first: destroying it frees the connections still
    // suspended in it, and they unregister from the members above.
    // Concurrency hint 1: one thread runs it, so asio queues the handlers that thread posts
    // to itself without waking anyone. It still locks (only ASIO_CONCURRENCY_HINT_UNSAFE
    // would not), and must: the acceptor's thread registers new sockets with it and posts
    // to it, and so does shutdown.
    asio::io_context io{1};
};

}  // namespace netlab::server
