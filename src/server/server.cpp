#include "server/server.hpp"

#include <asio/co_spawn.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <algorithm>
#include <array>
#include <atomic>
#include <fmt/format.h>
#include <system_error>
#include <thread>

#include "http/request_parser.hpp"
#include "net/endpoint.hpp"
#include "net/listener.hpp"
#include "net/socket_trace.hpp"
#include "net/stop_signals.hpp"
#include "netlab/platform/error.hpp"
#include "netlab/platform/interfaces.hpp"
#include "netlab/platform/limits.hpp"
#include "netlab/platform/process.hpp"
#include "server/balance.hpp"
#include "server/connection.hpp"
#include "server/stock_replies.hpp"
#include "server/worker.hpp"
#include "tls/server.hpp"

namespace netlab::server {
namespace {

using asio::ip::tcp;
using clock = std::chrono::steady_clock;

constexpr int listen_backlog = 1024;
// Pause before accepting again after a failed accept (e.g. out of file descriptors).
constexpr std::chrono::milliseconds accept_backoff{100};
constexpr std::chrono::milliseconds shutdown_poll{50};
// After shutdown's grace, connections still open are closed; their coroutines then report
// the cut-off responses. This long at most, then the threads stop regardless.
constexpr std::chrono::milliseconds cut_off_wait{1000};
// A refused connection's request is read (and dropped) for a moment after the 503, so
// closing does not reset the connection under the reply (see lingering_close in
// connection.cpp) and the log can name the request. Bounded in time, bytes and number:
// refusals happen when the server is already full.
constexpr std::chrono::milliseconds refusal_linger{1000};
constexpr std::size_t refusal_linger_bytes = 64 * 1024;
constexpr std::size_t refusal_head_bytes = 4 * 1024;  // kept to name the request in the log
constexpr unsigned max_lingering_refusals = 32;
// How often the balancer looks at the CPUs and decides how many workers take connections.
constexpr std::chrono::milliseconds balance_interval{200};
// A worker this long in one answer from the file system gets no new connections meanwhile.
constexpr std::chrono::milliseconds stuck_after = worker::long_answer;

// After a refusal: half-closes, then reads and drops what the client sends until it closes
// or refusal_linger passes, keeping the first bytes in `head` (decrypted, over TLS). Says
// how many it kept, and how the reading ended (eof: the client closed; operation_aborted:
// the time was up; none: the byte limit).
struct linger_result {
    std::size_t kept = 0;
    std::error_code ec;
};
asio::awaitable<linger_result> linger_after_refusal(std::shared_ptr<tcp::socket> socket,
                                                    std::array<char, refusal_head_bytes>& head,
                                                    tls::server_stream* stream) {
    std::error_code ec;
    socket->shutdown(tcp::socket::shutdown_send, ec);
    // The handler owns the socket too: it may run after this coroutine has ended.
    asio::steady_timer limit(socket->get_executor(), refusal_linger);
    limit.async_wait([socket](std::error_code timer_ec) {
        std::error_code ignored;
        if (!timer_ec) socket->close(ignored);  // ends the read below
    });
    std::array<char, 4096> sink;
    std::size_t kept = 0;
    for (std::size_t dropped = 0; !ec && dropped < refusal_linger_bytes;) {
        std::size_t n = 0;
        if (stream) {
            const auto r = co_await stream->read_some(asio::buffer(sink));
            ec = r.error;
            n = r.bytes;
        } else {
            n = co_await socket->async_read_some(asio::buffer(sink), asio::redirect_error(asio::use_awaitable, ec));
        }
        const std::size_t keep = std::min(n, head.size() - kept);
        std::copy_n(sink.begin(), keep, head.begin() + static_cast<std::ptrdiff_t>(kept));
        kept += keep;
        dropped += n;
    }
    co_return linger_result{kept, ec};
}

std::int64_t unix_ms_now() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The process's and the machine's CPU use since the last reading, in cores.
class cpu_meter {
public:
    load_sample next() {
        const auto wall_now = clock::now();
        const auto process_now = platform::cpu_time();
        const auto machine_now = platform::system_cpu();
        load_sample s;
        s.cores = cores_;
        const double seconds = std::chrono::duration<double>(wall_now - wall_).count();
        if (seconds > 0) s.process_busy = std::chrono::duration<double>(process_now - process_).count() / seconds;
        const auto machine_total = machine_now.total - machine_.total;
        if (machine_total.count() > 0) {  // else not known: stays negative
            const double idle_share = (machine_now.idle - machine_.idle) / machine_total;
            s.machine_busy = std::clamp(1.0 - idle_share, 0.0, 1.0) * cores_;
        }
        wall_ = wall_now;
        process_ = process_now;
        machine_ = machine_now;
        return s;
    }

private:
    unsigned cores_ = std::max(1u, std::thread::hardware_concurrency());
    clock::time_point wall_ = clock::now();
    std::chrono::nanoseconds process_ = platform::cpu_time();
    platform::system_cpu_times machine_ = platform::system_cpu();
};

}  // namespace

struct server::impl {
    server_config config;
    server_events events;
    std::unique_ptr<static_site> site;
    shared_counters counters;
    std::vector<std::unique_ptr<worker>> workers;  // each on a thread of its own
    // Accepting, signals and shutdown run on the calling thread, which does no file-system
    // work: a slow listing or cache fill on a worker never holds up an accept.
    asio::io_context control{1};
    std::vector<tcp::acceptor> acceptors;  // on `control`
    std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
    std::unique_ptr<net::stop_signals> signals;
    // Workers [0, active) take new connections; the balancer changes it (balance.hpp).
    unsigned active = 1;
    bool stopping = false;
    bool cutting_off = false;            // connections left after the grace are being closed
    clock::time_point cut_off_deadline;  // when the threads stop even so
    std::atomic<unsigned> refusals{0};   // 503s being sent or lingering; shutdown waits for them
    std::string busy_reason;             // the access log's words for a refusal
    clock::time_point started;
    clock::time_point stop_signalled;    // when the first stop signal came

    asio::io_context& main_io() { return control; }

    // The active worker holding the fewest connections, passing over one stuck in a slow
    // answer from the file system (a new client would wait for it to finish). If every
    // active worker is stuck, the least loaded worker that is not, active or not (the
    // balancer moves the connection back later); if all are, the least loaded active one.
    worker& pick_worker() {
        const auto n = static_cast<unsigned>(workers.size());
        const auto fewest = [&](unsigned count, bool skip_stuck) -> worker* {
            worker* best = nullptr;
            for (unsigned i = 0; i < count && i < n; ++i) {
                worker& w = *workers[i];
                if (skip_stuck && w.stuck_in_file_work(stuck_after)) continue;
                if (!best || w.held.load(std::memory_order_relaxed) < best->held.load(std::memory_order_relaxed)) best = &w;
            }
            return best;
        };
        if (worker* w = fewest(active, true)) return *w;
        if (worker* w = fewest(n, true)) return *w;
        return *fewest(active, false);
    }
    // Whether the balancer decides; if not, every worker takes connections. It needs more than
    // one worker, and connections that can move: a TLS connection cannot (its stream's state
    // is tied to the worker), so with TLS they are spread as they come.
    bool balancing() const {
        return workers.size() > 1 && !config.tls && !counters.sockets_stay();
    }

    std::error_code listen();
    listening_info describe() const;
    asio::awaitable<void> accept_loop(tcp::acceptor& acceptor);
    asio::awaitable<void> balance_loop();
    void set_active(unsigned count, std::string_view reason);
    void hand_over(tcp::socket socket, worker& w);
    asio::awaitable<void> refuse(tcp::socket accepted_socket, worker& w);
    asio::awaitable<std::string> refusal_handshake(std::shared_ptr<tcp::socket> socket, tls::server_stream& stream,
                                                   const std::string& client, worker& w, clock::time_point accepted);
    asio::awaitable<void> shutdown();
    void begin_shutdown();
    void cut_off_all(const std::string& reason);
    void report_shutdown(std::string_view stage, std::string_view reason = {});
    // How a refusal ended, for its connection event.
    struct refusal_ending {
        std::string no_answer;  // over TLS: why no 503 was sent ("then TLS handshake failed: ...")
        std::error_code send_ec;
        bool lingered = false;
        std::error_code linger_ec;
    };
    void report_refusal_closed(const std::string& client, const worker& w, clock::time_point accepted,
                               const refusal_ending& e);
    void watch_file_work(worker& w, std::int64_t since);
    // Connections that have not ended yet, whether or not they still hold a place: shutdown
    // waits for them, so that each reports its end before the threads stop.
    std::uint64_t live_connections() const {
        std::uint64_t n = 0;
        for (const auto& w : workers) n += w->held.load(std::memory_order_acquire);
        return n;
    }
};

server::server(server_config config, server_events events) : impl_(std::make_unique<impl>()) {
    impl_->config = std::move(config);
    impl_->events = std::move(events);
    if (impl_->config.threads == 0) impl_->config.threads = 1;
    impl_->busy_reason = fmt::format("over --max-connections {}", impl_->config.max_connections);
}

server::~server() = default;

std::uint16_t server::port() const {
    std::error_code ec;
    return impl_->acceptors.empty() ? 0 : impl_->acceptors.front().local_endpoint(ec).port();
}

std::error_code server::start() {
    auto& d = *impl_;
    std::error_code ec;
    d.site = std::make_unique<static_site>(d.config, ec);
    if (ec) return ec;
    for (unsigned i = 0; i < d.config.threads; ++i) {
        d.workers.push_back(std::make_unique<worker>(d.config, d.events, *d.site, d.counters));
        d.workers.back()->index = i;
        // Only -v reports a worker that stays busy, and only then is each answer watched.
        if (d.events.on_worker_busy && d.config.threads > 1)
            d.workers.back()->on_file_work = [&d, &w = *d.workers.back()](std::int64_t since) { d.watch_file_work(w, since); };
    }
    if ((ec = d.listen())) return ec;
    // Catch stop signals before anyone learns where we listen: a client (or a test) may
    // send one the moment it reads the listening event.
    d.signals = std::make_unique<net::stop_signals>(d.main_io().get_executor(), [&d](int) { d.begin_shutdown(); });
    if (d.events.on_listening) d.events.on_listening(d.describe());
    return {};
}

std::error_code server::impl::listen() {
    return net::open_on_listen_address(config.bind_address, [&](const asio::ip::address& address) {
        tcp::acceptor a(main_io());
        const auto ec = net::open_listener(a, {address, config.port}, listen_backlog);
        if (!ec) acceptors.push_back(std::move(a));
        return ec;
    });
}

listening_info server::impl::describe() const {
    listening_info info;
    std::error_code ec;
    const auto ep = acceptors.front().local_endpoint(ec);
    info.address = ep.address().to_string();
    info.port = ep.port();
    info.dual_stack = ep.address().is_v6() && ep.address().is_unspecified();
    info.root = site->root().string();
    info.threads = config.threads;
    info.echo = config.echo;
    const std::string_view scheme = config.tls ? "https" : "http";
    if (config.tls) {
        info.tls_fingerprint = config.tls->fingerprint();
        info.tls_certificate_pem = config.tls->certificate_pem();
    }
    if (!ep.address().is_unspecified()) {
        info.urls.push_back(net::http_url(ep.address(), info.port, scheme));
        return info;
    }
    info.urls.push_back(net::http_url(asio::ip::address_v4::loopback(), info.port, scheme));
    if (info.dual_stack) info.urls.push_back(net::http_url(asio::ip::address_v6::loopback(), info.port, scheme));
    // Where other machines can reach it: the host's own addresses (not link-local,
    // which needs a zone a browser cannot take).
    for (const auto& a : platform::interface_addresses()) {
        if (a.loopback || a.link_local || (a.ipv6 && !info.dual_stack)) continue;
        const auto addr = asio::ip::make_address(a.address, ec);
        if (!ec) info.urls.push_back(net::http_url(addr, info.port, scheme));
    }
    return info;
}

asio::awaitable<void> server::impl::accept_loop(tcp::acceptor& acceptor) {
    asio::steady_timer backoff(main_io());
    bool short_reported = false;  // once per run of failed accepts, not every backoff
    for (;;) {
        worker& w = pick_worker();
        std::error_code ec;
        tcp::socket socket = co_await acceptor.async_accept(w.io, asio::redirect_error(asio::use_awaitable, ec));
        if (stopping || !acceptor.is_open()) break;
        // Out of descriptors or memory for new connections: said (a server that takes
        // none would otherwise look merely idle), and accepting goes on when some free up.
        const bool short_of_resources =
            ec && (platform::classify(ec) == platform::error_kind::too_many_open_files || ec == std::errc::not_enough_memory);
        if (short_of_resources && !short_reported && events.on_internal_error)
            events.on_internal_error(std::system_error(ec, "accept"));
        short_reported = short_of_resources;
        if (!ec) {
            // Accepting must outlive a bug in handing one connection over.
            try {
                hand_over(std::move(socket), w);
                continue;
            } catch (const std::exception& e) {
                if (events.on_internal_error) events.on_internal_error(e);
            }
        }
        // Out of descriptors or buffers, or a connection aborted before we took it:
        // pause briefly rather than spin on an error that repeats at once.
        backoff.expires_after(accept_backoff);
        co_await backoff.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

// A new connection goes to its worker, or is refused over --max-connections.
void server::impl::hand_over(tcp::socket socket, worker& picked) {
    const auto accepted = clock::now();
    // The worker was picked before the connection came (the socket is made on its
    // io_context); if it has since got stuck in a slow answer, another takes it.
    worker* to = &picked;
    if (picked.stuck_in_file_work(stuck_after)) {
        worker& other = pick_worker();
        if (&other != &picked && other.take_socket(socket)) to = &other;
    }
    worker& w = *to;
    net::trace_socket(platform::trace_step::accept, socket);
    counters.connections.fetch_add(1, std::memory_order_relaxed);
    // Counted here, not when the worker gets to it, so a burst cannot overshoot.
    // (Acquire: a place given back before a close the client saw is seen free here.)
    if (counters.active.fetch_add(1, std::memory_order_acquire) >= config.max_connections) {
        counters.active.fetch_sub(1, std::memory_order_relaxed);
        refusals.fetch_add(1);
        asio::co_spawn(w.io, refuse(std::move(socket), w), rethrow_to_run_loop);
        return;
    }
    w.held.fetch_add(1, std::memory_order_relaxed);
    if (events.on_connection) {
        std::error_code ec;
        const auto peer = socket.remote_endpoint(ec);
        const std::string client = ec ? "unknown" : net::to_string(peer);
        connection_record rec;
        rec.unix_ms = unix_ms_now();
        rec.client = client;
        rec.worker = w.index;
        rec.open = counters.active.load(std::memory_order_relaxed);
        events.on_connection(rec);
    }
    asio::post(w.io, [&w, s = std::move(socket), accepted]() mutable {
        std::make_shared<connection>(std::move(s), w, accepted)->start();
    });
}

// Over --max-connections: a short 503 instead of a silent reset, then a gentle close, and
// the refusal in the access log like any other answer. Over TLS the 503 goes through a
// handshake of its own (plaintext bytes would break the client's TLS stream); when too
// many refusals are under way to wait for more handshakes, the connection is closed
// without an answer.
asio::awaitable<void> server::impl::refuse(tcp::socket accepted_socket, worker& w) {
    // Shutdown waits for refusals: this one ends here however it ends.
    struct refusal_done {
        std::atomic<unsigned>& count;
        ~refusal_done() { count.fetch_sub(1); }
    } done{refusals};
    const auto accepted = clock::now();
    const auto socket = std::make_shared<tcp::socket>(std::move(accepted_socket));
    std::error_code ec;
    const auto peer = socket->remote_endpoint(ec);
    const std::string client = ec ? "unknown" : net::to_string(peer);
    counters.refused.fetch_add(1, std::memory_order_relaxed);
    refusal_ending ending;
    std::unique_ptr<tls::server_stream> stream;
    if (config.tls) {
        if (refusals.load() > max_lingering_refusals) {
            ending.no_answer = "closed at once, without an answer (too many refusals under way to wait for "
                               "their TLS handshakes)";
        } else {
            stream = std::make_unique<tls::server_stream>(*config.tls, *socket);
            ending.no_answer = co_await refusal_handshake(socket, *stream, client, w, accepted);
        }
        if (!ending.no_answer.empty()) {
            stream.reset();
            net::traced_close(*socket);
            if (events.on_connection) report_refusal_closed(client, w, accepted, ending);
            co_return;
        }
    }
    response res;  // fresh Date each time; this path is rare
    stock_reply(res, 503, false);
    res.head.append("Retry-After: 1\r\n");
    finish_head(res.head, true, false);
    const std::array<asio::const_buffer, 2> parts{asio::buffer(res.head), asio::buffer(res.body)};
    std::size_t n = 0;
    if (stream) {
        const auto r = co_await stream->write(parts);
        n = r.bytes;
        ec = r.error;
    } else {
        n = co_await asio::async_write(*socket, parts, asio::redirect_error(asio::use_awaitable, ec));
    }
    net::trace_socket(platform::trace_step::send, *socket, static_cast<std::int64_t>(n), ec, stream ? "before encryption" : "");
    ending.send_ec = ec;
    const std::uint64_t body_sent = n > res.head.size() ? n - res.head.size() : 0;
    const auto answered = clock::now();
    w.count_answer(503, body_sent, !ec);

    std::array<char, refusal_head_bytes> head;
    std::size_t got = 0;
    ending.lingered = !ec && refusals.load() <= max_lingering_refusals;
    if (ending.lingered) {
        const auto r = co_await linger_after_refusal(socket, head, stream.get());
        got = r.kept;
        ending.linger_ec = r.ec;
    }
    stream.reset();  // before the socket it uses is closed
    net::traced_close(*socket);

    http::request_head req;
    const bool named = http::parse_request({head.data(), got}, req, {config.max_head_bytes, config.max_target_bytes})
                           .status == http::parse_status::complete;
    request_record rec;
    rec.client = client;
    rec.method = named ? req.method : "-";
    rec.target = named ? req.target : "-";
    rec.version = named ? http::version_text(req) : "-";
    rec.status = 503;
    rec.bytes = body_sent;
    rec.duration_ms = std::chrono::duration<double, std::milli>(answered - accepted).count();
    rec.error = busy_reason;
    const std::string why = ec ? platform::describe(ec) : std::string{};
    rec.cut_off = why;
    if (ec) rec.expected_bytes = res.body.size();
    w.report(rec);
    if (events.on_connection) report_refusal_closed(client, w, accepted, ending);
}

// A refused connection's TLS handshake, within the header timeout from accept as any
// connection's. Until the client's first byte the refusal is idle: shutdown ends it at
// once (worker::drain). Empty when the handshake succeeded; else the words that end the
// refusal, and a handshake that began and failed is reported like any other.
asio::awaitable<std::string> server::impl::refusal_handshake(std::shared_ptr<tcp::socket> socket,
                                                             tls::server_stream& stream, const std::string& client,
                                                             worker& w, clock::time_point accepted) {
    if (w.draining) co_return "then shutdown: the client had sent nothing";
    const auto waiting = std::make_shared<tls_refusal>();
    waiting->socket = socket.get();
    w.tls_refusals.insert(waiting.get());
    struct registered {
        worker& w;
        tls_refusal* r;
        ~registered() { w.tls_refusals.erase(r); }
    } const in_set{w, waiting.get()};
    const double header_s = std::chrono::duration<double>(config.header_timeout).count();
    asio::steady_timer limit(socket->get_executor(), accepted + config.header_timeout);
    // The handler may run after this coroutine has ended: it owns what it touches.
    limit.async_wait([waiting, socket, header_s](std::error_code timer_ec) {
        if (timer_ec || !socket->is_open()) return;
        waiting->end(waiting->silent ? fmt::format("nothing came within --header-timeout {:g} s", header_s)
                                     : fmt::format("TLS handshake not complete within --header-timeout {:g} s", header_s));
    });
    struct stop_timer {
        asio::steady_timer& t;
        ~stop_timer() { t.cancel(); }
    } const stop{limit};

    std::error_code ec;
    co_await socket->async_wait(tcp::socket::wait_read, asio::redirect_error(asio::use_awaitable, ec));
    if (!waiting->ended_for.empty()) co_return "then " + waiting->ended_for;
    std::array<char, 1> first{};
    if (!ec && socket->receive(asio::buffer(first), asio::socket_base::message_peek, ec) == 0 && !ec)
        ec = asio::error::eof;
    if (ec == asio::error::eof) co_return "then the client closed";
    if (ec) co_return "then " + platform::describe(ec);
    waiting->silent = false;

    const auto r = co_await stream.handshake();
    const bool ok = r.error == tls::failure::none && waiting->ended_for.empty();
    net::trace_socket(platform::trace_step::tls_handshake, *socket, -1, r.io_error,
                      ok ? fmt::format("{} {}", r.session.version, r.session.cipher) : r.message);
    if (ok) co_return std::string{};
    // Ended by us (the header timeout, shutdown's cut-off): those words; else OpenSSL's.
    const std::string reason = waiting->ended_for.empty() ? r.message : waiting->ended_for;
    w.report_tls_failure(client, reason, true);
    co_return "then TLS handshake failed: " + reason;
}

void server::impl::report_refusal_closed(const std::string& client, const worker& w, clock::time_point accepted,
                                         const refusal_ending& e) {
    connection_record c;
    c.unix_ms = unix_ms_now();
    c.client = client;
    c.closed = true;
    c.refused = true;
    c.worker = w.index;
    c.open = counters.active.load(std::memory_order_relaxed);
    std::string words = busy_reason;
    if (!e.no_answer.empty()) words += ", " + e.no_answer;
    else if (e.send_ec) words += ", then " + platform::describe(e.send_ec);
    else if (!e.lingered) words += ", closed at once (too many refusals lingering)";
    else if (e.linger_ec == asio::error::eof) words += ", then the client closed";
    else if (e.linger_ec == asio::error::operation_aborted || e.linger_ec == asio::error::bad_descriptor)
        words += fmt::format(", then the {:g} s linger ended", std::chrono::duration<double>(refusal_linger).count());
    else if (e.linger_ec) words += ", then " + platform::describe(e.linger_ec);
    else words += fmt::format(", then the linger dropped {} KiB", refusal_linger_bytes / 1024);
    c.reason = words;
    c.requests = e.no_answer.empty() ? 1 : 0;
    c.since_accept_ms = std::chrono::duration<double, std::milli>(clock::now() - accepted).count();
    events.on_connection(c);
}

// Every balance_interval: how busy each worker, the process and the machine were; then how
// many workers take connections, and which connections move (balance.hpp).
asio::awaitable<void> server::impl::balance_loop() {
    asio::steady_timer timer(main_io());
    cpu_meter meter;
    while (!stopping) {
        timer.expires_after(balance_interval);
        std::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (stopping) break;
        if (!balancing()) {
            set_active(static_cast<unsigned>(workers.size()), "a connection could not move between workers");
            break;
        }
        load_sample s = meter.next();
        for (const auto& w : workers) s.worker_busy.push_back(w->busy(2 * balance_interval));
        const auto decision = choose_active_workers(active, s);
        if (decision.active != active) set_active(decision.active, decision.reason);

        // Planned by the connections being served: only they reach the pause where they
        // can move, and only they carry load. None go to a worker stuck in a slow answer.
        std::vector<unsigned> serving;
        for (const auto& w : workers) serving.push_back(w->busy_connections.load(std::memory_order_relaxed));
        std::vector<std::vector<worker::move_request>> requests(workers.size());
        for (const auto& m : plan_moves(serving, active))
            if (!workers[m.to]->stuck_in_file_work(stuck_after)) requests[m.from].push_back({workers[m.to].get(), m.count});
        // Every worker gets its list, empty too: what an earlier interval asked is replaced.
        for (std::size_t i = 0; i < workers.size(); ++i)
            asio::post(workers[i]->io, [&w = *workers[i], r = std::move(requests[i])]() mutable { w.request_moves(std::move(r)); });
    }
}

// -v: an answer from the file system began on `w` at `since` (on w's thread). If it is still
// going after stuck_after, new connections go to other workers meanwhile: that is reported.
void server::impl::watch_file_work(worker& w, std::int64_t since) {
    asio::post(control, [this, &w, since] {
        const clock::time_point began{std::chrono::duration_cast<clock::duration>(std::chrono::nanoseconds(since))};
        auto timer = std::make_shared<asio::steady_timer>(control, began + stuck_after + std::chrono::milliseconds(1));
        timer->async_wait([this, &w, since, began, timer](std::error_code ec) {
            if (ec || stopping || w.file_work_started() != since) return;  // that answer is over
            events.on_worker_busy({w.index, std::chrono::duration<double, std::milli>(clock::now() - began).count()});
        });
    });
}

void server::impl::set_active(unsigned count, std::string_view reason) {
    active = count;
    if (events.on_workers) events.on_workers({active, static_cast<unsigned>(workers.size()), reason});
}

void server::impl::report_shutdown(std::string_view stage, std::string_view reason) {
    if (!events.on_shutdown) return;
    events.on_shutdown({stage, reason, std::chrono::duration<double>(config.shutdown_grace).count(), live_connections()});
}

void server::impl::begin_shutdown() {
    if (cutting_off) {
        // A third Ctrl-C: stop now, reported or not.
        report_shutdown("stop");
        for (auto& w : workers) w->io.stop();
        control.stop();
        return;
    }
    if (stopping) {
        // A second Ctrl-C: close what is left now; shutdown() ends once it is reported.
        cut_off_all("stopped by a second Ctrl-C");
        return;
    }
    stopping = true;
    stop_signalled = clock::now();
    report_shutdown("grace");
    for (auto& a : acceptors) net::traced_close(a);
    for (auto& w : workers) asio::post(w->io, [&w = *w] { w.drain(); });
    // The workers keep running until shutdown() stops them, even with nothing left to do:
    // a connection may be on its way to one from another (a move taken just before that
    // one drained), and must find it running.
    asio::co_spawn(main_io(), shutdown(), rethrow_to_run_loop);
}

void server::impl::cut_off_all(const std::string& reason) {
    if (cutting_off) return;
    cutting_off = true;
    report_shutdown("cut_off", reason);
    cut_off_deadline = clock::now() + cut_off_wait;
    for (auto& w : workers) asio::post(w->io, [&w = *w, reason] { w.cut_off_all(reason); });
}

asio::awaitable<void> server::impl::shutdown() {
    asio::steady_timer timer(main_io());
    const auto deadline = clock::now() + config.shutdown_grace;
    while (live_connections() > 0 || refusals.load() > 0) {
        const auto now = clock::now();
        if (!cutting_off && now >= deadline)
            cut_off_all(fmt::format("shutdown: the {:g} s grace period ended",
                                    std::chrono::duration<double>(config.shutdown_grace).count()));
        if (cutting_off && now >= cut_off_deadline) break;
        timer.expires_after(shutdown_poll);
        std::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    if (signals) signals->cancel();
    for (auto& w : workers) w->io.stop();
    control.stop();
}

server_stats server::run() {
    auto& d = *impl_;
    d.started = clock::now();
    platform::raise_open_file_limit(d.config.max_connections + 64);


    const bool balancing = d.balancing();
    d.active = balancing ? 1 : static_cast<unsigned>(d.workers.size());
    if (balancing) asio::co_spawn(d.control, d.balance_loop(), rethrow_to_run_loop);
    for (auto& a : d.acceptors) asio::co_spawn(d.control, d.accept_loop(a), rethrow_to_run_loop);
    for (auto& w : d.workers) {
        asio::co_spawn(w->io, w->reap(), rethrow_to_run_loop);
        d.guards.push_back(asio::make_work_guard(w->io));
    }
    std::vector<std::thread> threads;
    threads.reserve(d.workers.size());
    try {
        for (auto& w : d.workers) threads.emplace_back([&w = *w] { w.run(); });
    } catch (...) {
        // Out of threads or memory for one more stack: the workers already running are
        // stopped and joined, since destroying a joinable std::thread would abort the
        // process; the error then reaches the caller (a resource error, one line).
        for (auto& w : d.workers) w->io.stop();
        for (auto& t : threads) t.join();
        throw;
    }
    run_with_barrier(d.control, d.events.on_internal_error);
    for (auto& t : threads) t.join();

    server_stats s;
    s.connections = d.counters.connections.load();
    s.requests = d.counters.requests.load();
    s.bytes = d.counters.bytes.load();
    s.client_errors = d.counters.client_errors.load();
    s.server_errors = d.counters.server_errors.load();
    s.timeouts = d.counters.timeouts.load();
    s.refused = d.counters.refused.load();
    s.cut_off = d.counters.cut_off.load();
    s.tls_failures = d.counters.tls_failures.load();
    const auto now = clock::now();
    s.uptime_s = std::chrono::duration<double>(now - d.started).count();
    if (d.stopping) s.shutdown_s = std::chrono::duration<double>(now - d.stop_signalled).count();
    return s;
}

}  // namespace netlab::server
