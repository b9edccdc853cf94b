#include "scan/scanner.hpp"

#include <asio/co_spawn.hpp>
#include <asio/post.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <algorithm>
#include <array>
#include <atomic>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include "net/endpoint.hpp"
#include "net/socket_trace.hpp"
#include "net/stop_signals.hpp"
#include "netlab/platform/connect_probe.hpp"
#include "netlab/platform/process.hpp"
#include "scan/banner.hpp"
#include "scan/probe_board.hpp"
#include "scan/rtt.hpp"

namespace netlab::scan {
namespace {

using asio::ip::tcp;
using clock = std::chrono::steady_clock;
using platform::trace_step;
using std::chrono::duration_cast;
using std::chrono::microseconds;
using std::chrono::milliseconds;

constexpr auto use = asio::use_awaitable;
// Scans smaller than this many probes per extra thread stay on one event loop.
constexpr std::uint64_t probes_per_thread = 1000;
constexpr unsigned max_threads = 4;
constexpr milliseconds first_backoff{1};
constexpr milliseconds max_backoff{200};
constexpr unsigned yield_every = 32;
// Slots each event loop starts with; more open when most connects wait longer than
// slow_answer (worker::launch): a distant or silent target, not a busy loopback.
constexpr std::size_t first_slots = 16;
constexpr milliseconds slow_answer{10};
// A probe that may have met one of ours (probe_board.hpp) looks again this often while
// the other is still connecting; a meeting on this machine settles in microseconds.
constexpr milliseconds partner_poll{1};
// A port whose probes met ours this many times in a row is judged by the last meeting:
// our own socket held the port, so nothing listened there (closed, as a self-connect).
constexpr int max_meetings = 3;

// Everything the threads share. Probes are numbered target-major: probe i is port
// order[i % ports] of target i / ports; threads take the next number from `next`.
struct shared_state {
    const scan_options& options;
    const scan_events& events;
    std::vector<tcp::endpoint> targets;  // port 0
    std::vector<std::uint16_t> order;
    std::uint64_t total = 0;
    std::atomic<std::uint64_t> next{0};
    std::atomic<bool> stop{false};
    std::atomic<std::uint64_t> connects{0};

    // --max-rate: the steady-clock time (ns) before which no further connect may start.
    std::atomic<std::int64_t> next_start_ns{0};
    std::int64_t interval_ns = 0;

    std::unique_ptr<probe_board> board;  // one word per slot, every thread's

    std::mutex rtt_mutex;
    std::vector<rtt_estimator> rtt;  // one per target
    rtt_estimator any_rtt;           // all targets: a first guess for a target without answers yet

    std::mutex report_mutex;  // serialises the events and guards what follows
    std::vector<std::uint64_t> remaining;
    scan_summary summary;
    std::exception_ptr failure;

    shared_state(const scan_options& o, const scan_events& e) : options(o), events(e) {}

    clock::duration timeout_for(std::size_t target) {
        if (options.timeout.count() > 0) return options.timeout;
        std::lock_guard lock(rtt_mutex);
        if (rtt[target].has_samples()) return rtt[target].timeout();
        return any_rtt.timeout();
    }

    void sample(std::size_t target, clock::duration d) {
        const auto us = duration_cast<microseconds>(d);
        std::lock_guard lock(rtt_mutex);
        rtt[target].sample(us);
        any_rtt.sample(us);
    }

    void report(const port_result& r) {
        std::lock_guard lock(report_mutex);
        ++summary.ports;
        ++(r.state == port_state::open ? summary.open : r.state == port_state::closed ? summary.closed : summary.filtered);
        if (events.on_result) events.on_result(r);
        if (--remaining[r.target] == 0 && events.on_target_done) events.on_target_done(r.target);
    }

    void fail(const std::error_code& ec, const tcp::endpoint& where) {
        std::lock_guard lock(report_mutex);
        if (!summary.error) {
            summary.error = ec;
            summary.error_where = net::to_string(where);
        }
        stop = true;
    }

    void interrupt() {
        std::lock_guard lock(report_mutex);
        summary.interrupted = true;
        stop = true;
    }

    void fail(const std::exception_ptr& e) {
        std::lock_guard lock(report_mutex);
        if (!failure) failure = e;
        stop = true;
    }
};

// One connect in flight: its socket, and what the reaper needs to end it in time.
struct slot {
    slot(asio::io_context& ctx, std::size_t i) : index(i), socket(ctx), timer(ctx) {}
    enum class phase { idle, connecting, reading };
    std::size_t index;  // on the probe board
    tcp::socket socket;
    asio::steady_timer timer;  // --max-rate pacing and shortage back-off
    phase now = phase::idle;
    clock::time_point since;  // the connect's start
    clock::time_point deadline;
    bool expired = false;
    bool family_v6 = false;  // of the open socket
};

struct attempt {
    std::error_code error;
    bool opened = false;
    bool self_connected = false;
    bool stopped = false;  // ended by the scan stopping, says nothing about the port
    clock::duration rtt{};
    std::optional<tcp::endpoint> local;  // of a connection made (then reset or not)
};

std::string probe_options_detail(const platform::probe_options& applied) {
    std::string d;
    if (applied.max_retransmit_time) d += "TCP_MAXRT(MS) = the probe timeout";
    if (applied.fail_on_icmp_error) d += std::string(d.empty() ? "" : ", ") + "TCP_FAIL_CONNECT_ON_ICMP_ERROR";
    if (applied.no_syn_retransmissions) d += std::string(d.empty() ? "" : ", ") + "SIO_TCP_INITIAL_RTO: no SYN retransmissions";
    return d;
}

// One thread's event loop with its share of the window.
class worker {
public:
    // Slots `first` to `first + slots - 1` of the probe board are this worker's.
    worker(shared_state& shared, std::size_t first, std::size_t slots, bool handles_signals)
        : shared_(shared), ctx_(1), handles_signals_(handles_signals) {
        for (std::size_t i = 0; i < slots; ++i) slots_.push_back(std::make_unique<slot>(ctx_, first + i));
    }

    void run() {
        try {
            std::optional<net::stop_signals> signals;
            if (handles_signals_) signals.emplace(ctx_.get_executor(), [this](int) { shared_.interrupt(); });
            launch(std::min(slots_.size(), first_slots));
            asio::co_spawn(ctx_, reaper(signals ? &*signals : nullptr), rethrow());
            ctx_.run();
        } catch (...) {
            shared_.fail(std::current_exception());
        }
    }

private:
    std::function<void(std::exception_ptr)> rethrow() {
        return [this](const std::exception_ptr& e) {
            if (e) shared_.fail(e);
        };
    }

    // Starts `n` more slots. The window opens as it is needed: a scan whose answers come
    // quickly (loopback) keeps a few sockets, one waiting on a distant or silent target
    // doubles its slots each reaper tick up to the window.
    void launch(std::size_t n) {
        for (; n > 0 && launched_ < slots_.size(); --n) {
            ++running_;
            asio::co_spawn(ctx_, slot_loop(*slots_[launched_++]), rethrow());
        }
    }

    asio::awaitable<void> slot_loop(slot& s) {
        const std::uint64_t ports = shared_.order.size();
        for (unsigned n = 1; !shared_.stop.load(std::memory_order_relaxed); ++n) {
            // Probes answered on the spot never suspend: let the other slots, the reaper
            // and the signal handler run now and then.
            if (n % yield_every == 0) co_await asio::post(ctx_.get_executor(), use);
            const auto i = shared_.next.fetch_add(1, std::memory_order_relaxed);
            if (i >= shared_.total) break;
            port_result r;
            r.target = static_cast<std::size_t>(i / ports);
            r.port = shared_.order[static_cast<std::size_t>(i % ports)];
            if (co_await probe(s, r)) shared_.report(r);
        }
        --running_;
    }

    // Tries the port until it answers or its tries are used up; false when the scan
    // stopped first (the port then has no result).
    asio::awaitable<bool> probe(slot& s, port_result& r) {
        const tcp::endpoint ep(shared_.targets[r.target].address(), r.port);
        std::optional<clock::time_point> shortage_since;
        auto backoff = first_backoff;
        int meetings = 0;
        auto& board = *shared_.board;
        while (!shared_.stop.load(std::memory_order_relaxed)) {
            co_await pace(s);
            if (shared_.stop.load(std::memory_order_relaxed)) break;
            const auto timeout = shared_.timeout_for(r.target);
            board.connecting(s.index, r.target, r.port);
            auto a = co_await connect_once(s, ep, timeout);
            if (a.opened) shared_.connects.fetch_add(1, std::memory_order_relaxed);
            if (a.stopped) break;
            const auto kind = platform::classify(a.error);
            auto v = judge(kind, a.self_connected);
            // One connection decides: a completed handshake is open whatever the service
            // does next, unless the other end was a probe of this scan.
            if (v == verdict::open && a.local && co_await met_own_probe(s, *a.local, timeout)) {
                net::traced_close(s.socket);
                board.idle(s.index);
                if (++meetings < max_meetings) continue;  // again, from another local port
                v = verdict::closed;
                a.self_connected = true;
            }
            board.idle(s.index);
            if (v == verdict::open && kind == platform::error_kind::none && shared_.options.banner && !shared_.stop)
                r.banner = co_await read_banner(s);
            if (s.socket.is_open() && !(kind == platform::error_kind::refused && keeps_refused_sockets()))
                net::traced_close(s.socket);
            if (v == verdict::local_shortage) {
                // Not an answer from the target: wait for our own sockets to drain.
                const auto now = clock::now();
                if (!shortage_since) shortage_since = now;
                if (now - *shortage_since > shortage_patience) {
                    shared_.fail(a.error, ep);
                    break;
                }
                s.timer.expires_after(backoff);
                std::error_code ignored;
                co_await s.timer.async_wait(asio::redirect_error(use, ignored));
                backoff = std::min(backoff * 2, max_backoff);
                continue;
            }
            if (v == verdict::fatal) {
                shared_.fail(a.error, ep);
                break;
            }
            shortage_since.reset();
            backoff = first_backoff;
            ++r.tries;
            if (answered(v)) {
                shared_.sample(r.target, a.rtt);
                r.rtt_ms = std::chrono::duration<double, std::milli>(a.rtt).count();
            }
            r.state = v == verdict::open ? port_state::open : v == verdict::closed ? port_state::closed : port_state::filtered;
            r.reason = a.self_connected ? platform::error_kind::refused : kind;
            if (v != verdict::filtered || r.tries > shared_.options.retries) co_return true;
        }
        board.idle(s.index);
        if (s.socket.is_open()) net::traced_close(s.socket);
        co_return false;
    }

    // Whether the connection just made from `local` is the other half of a probe of this
    // scan (probe_board.hpp); while one that could be is still connecting, it is asked
    // again, for at most `patience`: a meeting on this machine settles at once, so a
    // probe still connecting after that was never this one's partner.
    asio::awaitable<bool> met_own_probe(slot& s, const tcp::endpoint& local, clock::duration patience) {
        auto& board = *shared_.board;
        board.connected(s.index, local.port());
        const auto address = local.address();
        const auto is_local = [&](std::size_t t) {
            return address.is_unspecified() || shared_.targets[t].address() == address;
        };
        const auto give_up = clock::now() + patience;
        for (;;) {
            const auto m = board.check(s.index, is_local);
            if (m != probe_board::meeting::undecided) co_return m == probe_board::meeting::met;
            if (shared_.stop.load(std::memory_order_relaxed) || clock::now() >= give_up) co_return false;
            s.timer.expires_after(partner_poll);
            std::error_code ignored;
            co_await s.timer.async_wait(asio::redirect_error(use, ignored));
        }
    }

    bool keeps_refused_sockets() const { return direct_ && reconnects_; }

    // Opens the slot's socket if needed and connects it. The socket is left open when the
    // connect succeeded (for the caller to judge and close) or was refused where the OS
    // lets it connect again; else it is closed.
    asio::awaitable<attempt> connect_once(slot& s, const tcp::endpoint& ep, clock::duration timeout) {
        attempt a;
        auto& sock = s.socket;
        std::error_code ignored;
        // A socket kept from a refused probe is ready to connect again (same family).
        if (sock.is_open() && s.family_v6 != ep.address().is_v6()) net::traced_close(sock);
        if (!sock.is_open()) {
            sock.open(ep.protocol(), a.error);
            if (a.error) co_return a;
            s.family_v6 = ep.address().is_v6();
            net::trace_socket(trace_step::socket, sock, -1, {}, net::socket_kind(ep.protocol()));
            std::error_code linger;
            sock.set_option(asio::socket_base::linger(true, 0), linger);
            net::trace_socket(trace_step::setsockopt, sock, -1, linger, "SO_LINGER 0: close aborts with a RST, no TIME_WAIT");
            if (direct_) sock.non_blocking(true, ignored);
            const auto applied = platform::set_connect_probe_options(handle_of(sock), duration_cast<milliseconds>(timeout));
            if (const auto d = probe_options_detail(applied); !d.empty()) net::trace_socket(trace_step::setsockopt, sock, -1, {}, d);
        }
        a.opened = true;

        const auto start = clock::now();
        s.since = start;
        s.deadline = start + timeout;
        s.expired = false;
        co_await connect(s, ep, a.error);
        a.rtt = clock::now() - start;
        if (a.error == asio::error::operation_aborted) {
            if (s.expired) a.error = std::make_error_code(std::errc::timed_out);
            else a.stopped = true;
        }
        const auto kind = platform::classify(a.error);
        // Reset: the handshake completed and the service reset the connection before we
        // asked for the answer (a RST to the SYN reads "refused").
        if (kind == platform::error_kind::none || kind == platform::error_kind::reset) {
            const auto local = sock.local_endpoint(ignored);
            if (!ignored) {
                a.local = local;
                // Windows (and wine) may report the address the socket was bound to before
                // ConnectEx (0.0.0.0) rather than the one it connected from: the port
                // decides. A reset one reads 0.0.0.0 too, but nothing resets a self-connect.
                a.self_connected = kind == platform::error_kind::none && local.port() == ep.port() &&
                                   (local.address() == ep.address() || local.address().is_unspecified());
            }
        }
        net::trace_connect(sock, ep, a.error);
        if (kind == platform::error_kind::none && !a.self_connected) co_return a;
        // Refused: keep the socket for the next probe where the OS allows it.
        if (kind == platform::error_kind::refused && keeps_refused_sockets()) co_return a;
        net::traced_close(sock);
        co_return a;
    }

    // The connect itself: answered on the spot where the OS allows (most probes on
    // loopback), else through the event loop; the reaper ends it at the deadline.
    asio::awaitable<void> connect(slot& s, const tcp::endpoint& ep, std::error_code& ec) {
        auto& sock = s.socket;
        auto progress = platform::connect_progress::unsupported;
        if (direct_) {
            progress = platform::start_connect(handle_of(sock), ep.data(), ep.size(), ec);
            direct_ = progress != platform::connect_progress::unsupported;
        }
        if (progress == platform::connect_progress::unsupported) {
            s.now = slot::phase::connecting;
            co_await sock.async_connect(ep, asio::redirect_error(use, ec));
            s.now = slot::phase::idle;
            co_return;
        }
        while (progress == platform::connect_progress::in_progress) {
            s.now = slot::phase::connecting;
            co_await sock.async_wait(tcp::socket::wait_write, asio::redirect_error(use, ec));
            s.now = slot::phase::idle;
            if (ec) co_return;
            progress = platform::connect_answer(handle_of(sock), ep.data(), ep.size(), ec);
        }
    }

    // What the service says first: read until banner_complete() (a line that ends it),
    // banner_limit bytes, the end of the stream, or banner_wait after the connect (the
    // reaper ends a read at the deadline), whatever pieces it comes in.
    asio::awaitable<std::string> read_banner(slot& s) {
        std::string banner;
        std::array<char, banner_limit> buf{};
        s.deadline = clock::now() + banner_wait;
        s.expired = false;
        while (banner.size() < banner_limit && !banner_complete(banner)) {
            std::error_code ec;
            s.now = slot::phase::reading;
            const auto n = co_await s.socket.async_read_some(asio::buffer(buf.data(), banner_limit - banner.size()),
                                                             asio::redirect_error(use, ec));
            s.now = slot::phase::idle;
            banner.append(buf.data(), n);
            const bool quiet = ec == asio::error::operation_aborted;
            net::trace_socket(trace_step::recv, s.socket, static_cast<std::int64_t>(n), quiet ? std::error_code{} : ec,
                              quiet ? "nothing more said in time" : "");
            if (ec) break;
        }
        co_return banner;
    }

    asio::awaitable<void> pace(slot& s) {
        if (shared_.interval_ns == 0) co_return;
        const auto now = clock::now().time_since_epoch().count();
        auto prev = shared_.next_start_ns.load();
        std::int64_t at = 0;
        do {
            at = std::max<std::int64_t>(prev, now);
        } while (!shared_.next_start_ns.compare_exchange_weak(prev, at + shared_.interval_ns));
        if (at <= now) co_return;
        s.timer.expires_at(clock::time_point(clock::duration(at)));
        std::error_code ignored;
        co_await s.timer.async_wait(asio::redirect_error(use, ignored));
    }

    // One timer per thread instead of one per connect: it ends connects and banner reads
    // whose deadline has passed, and everything once the scan stops.
    asio::awaitable<void> reaper(net::stop_signals* signals) {
        const auto base = shared_.options.timeout.count() > 0 ? duration_cast<clock::duration>(shared_.options.timeout)
                                                              : duration_cast<clock::duration>(rtt_estimator::min_timeout);
        const auto tick = std::clamp<clock::duration>(base / 4, milliseconds(1), milliseconds(50));
        asio::steady_timer timer(ctx_);
        while (running_ > 0) {
            timer.expires_after(tick);
            std::error_code ignored;
            co_await timer.async_wait(asio::redirect_error(use, ignored));
            const bool stopping = shared_.stop.load();
            const auto now = clock::now();
            std::size_t waiting = 0;
            for (std::size_t i = 0; i < launched_; ++i) {
                const auto& sl = *slots_[i];
                waiting += sl.now == slot::phase::connecting && now - sl.since > slow_answer ? 1u : 0u;
            }
            if (!stopping && waiting * 4 >= launched_ * 3) launch(launched_);
            for (auto& s : slots_) {
                if (stopping) s->timer.cancel();
                if (s->now == slot::phase::idle || (!stopping && now < s->deadline)) continue;
                // An answer already in the kernel but not yet delivered is not a timeout
                // (the machine was busy); it is delivered on this loop's next turn.
                if (!stopping && s->now == slot::phase::connecting && platform::connect_settled(handle_of(s->socket)))
                    continue;
                s->expired = !stopping;
                s->socket.cancel(ignored);
            }
        }
        for (auto& s : slots_) net::traced_close(s->socket);
        if (signals != nullptr) signals->cancel();
    }

    static platform::native_socket handle_of(tcp::socket& sock) {
        return static_cast<platform::native_socket>(sock.native_handle());
    }

    shared_state& shared_;
    asio::io_context ctx_;
    bool direct_ = true;  // platform::start_connect works here
    const bool reconnects_ = platform::reconnects_after_refusal();
    bool handles_signals_;
    std::vector<std::unique_ptr<slot>> slots_;
    std::size_t launched_ = 0;
    std::size_t running_ = 0;
};

}  // namespace

std::size_t window_for(std::size_t requested, const platform::file_limit& limit) {
    const std::size_t wanted = requested > 0 ? requested : default_window;
    if (!limit.applicable) return wanted;
    const std::uint64_t usable = limit.soft > reserved_descriptors ? limit.soft - reserved_descriptors : 1;
    return static_cast<std::size_t>(std::max<std::uint64_t>(1, std::min<std::uint64_t>(wanted, usable)));
}

std::vector<std::uint16_t> scan_order(std::vector<std::uint16_t> ports, bool randomize, std::uint64_t seed) {
    if (randomize) {
        std::mt19937_64 rng(seed);
        std::shuffle(ports.begin(), ports.end(), rng);
    } else {
        std::sort(ports.begin(), ports.end());
    }
    return ports;
}

scan_summary run_scan(const std::vector<scan_target>& targets, const std::vector<std::uint16_t>& ports,
                      const scan_options& options, const scan_events& events) {
    const auto started = clock::now();
    shared_state shared(options, events);
    for (const auto& t : targets) {
        std::error_code ec;
        const auto a = asio::ip::make_address(t.address, ec);
        if (ec) {
            shared.summary.error = std::make_error_code(std::errc::invalid_argument);
            shared.summary.error_where = t.address;
            return shared.summary;
        }
        shared.targets.emplace_back(a, 0);
    }
    shared.order = scan_order(ports, options.randomize, std::random_device{}());
    shared.total = static_cast<std::uint64_t>(targets.size()) * shared.order.size();
    shared.rtt.resize(targets.size());
    shared.remaining.assign(targets.size(), shared.order.size());
    if (options.max_rate > 0) shared.interval_ns = static_cast<std::int64_t>(1e9 / options.max_rate);
    if (shared.total == 0) return shared.summary;

    const std::size_t wanted = options.window > 0 ? options.window : default_window;
    const auto limit = platform::raise_open_file_limit(wanted + reserved_descriptors);
    const std::size_t window =
        static_cast<std::size_t>(std::min<std::uint64_t>(window_for(options.window, limit), shared.total));
    unsigned threads = options.threads > 0 ? options.threads
                                           : std::clamp(std::thread::hardware_concurrency(), 1u, max_threads);
    threads = static_cast<unsigned>(std::min<std::uint64_t>(
        {threads, std::max<std::uint64_t>(1, shared.total / probes_per_thread), window}));
    shared.summary.window = window;
    shared.summary.threads = threads;
    shared.board = std::make_unique<probe_board>(window);

    std::vector<std::unique_ptr<worker>> workers;
    std::size_t first = 0;
    for (unsigned t = 0; t < threads; ++t) {
        const std::size_t share = window / threads + (t < window % threads ? 1 : 0);
        workers.push_back(std::make_unique<worker>(shared, first, share, t == 0 && options.stop_on_signals));
        first += share;
    }
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back([&w = *workers[t]] { w.run(); });
    workers[0]->run();
    for (auto& th : pool) th.join();

    if (shared.failure) std::rethrow_exception(shared.failure);
    auto summary = shared.summary;
    summary.connects = shared.connects.load();
    summary.elapsed_s = std::chrono::duration<double>(clock::now() - started).count();
    return summary;
}

}  // namespace netlab::scan
