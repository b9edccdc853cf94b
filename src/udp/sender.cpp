#include "udp/sender.hpp"

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <cmath>
#include <deque>
#include <fmt/format.h>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "net/endpoint.hpp"
#include "net/listener.hpp"
#include "net/socket_trace.hpp"
#include "net/spawn.hpp"
#include "net/stop_signals.hpp"
#include "netlab/platform/error.hpp"
#include "netlab/platform/process.hpp"
#include "netlab/platform/socket_options.hpp"

namespace netlab::udp {
namespace {

using asio::ip::udp;
using clock = std::chrono::steady_clock;
using platform::error_kind;

constexpr auto resolve_timeout = std::chrono::seconds(10);
// How often the fin is repeated while waiting for the listener's report.
constexpr auto fin_repeat = std::chrono::milliseconds(200);
// Probe datagrams prepared per send call at most (several GSO calls' worth).
constexpr std::size_t probe_batch = 256;
constexpr int probe_send_buffer_bytes = 4 << 20;
// A flood ping's replies come back as fast as the requests go out: a receive buffer as
// big as udp-listen's, so that a burst is not dropped at our own socket.
constexpr int ping_receive_buffer_bytes = 4 << 20;
constexpr auto flood_ping_interval = std::chrono::milliseconds(10);
// stdin lines read ahead of sending at most, and sent between two looks at the event loop.
constexpr std::size_t max_queued_lines = 1024;
constexpr std::size_t lines_per_turn = 64;

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// The session id is the stream's only defence against anyone off the path adding to it or
// closing it, so it must not be guessable: 64 bits from std::random_device, which is a
// cryptographic source in each standard library we build with (getrandom, /dev/urandom or
// RDRAND in libstdc++ and libc++; rand_s, i.e. RtlGenRandom, in MinGW's) -- never a clock.
std::uint64_t random_session_id() {
    std::random_device rd;
    static_assert(sizeof(std::random_device::result_type) == 4);
    const auto high = static_cast<std::uint64_t>(rd());
    return (high << 32) | rd();
}

std::span<const std::byte> bytes_of(std::string_view s) { return std::as_bytes(std::span(s.data(), s.size())); }

// Lines read on a thread of their own, handed to the I/O thread through a bounded queue
// (the reader looks again every feed_poll while it is full); `closed` (under the mutex)
// stops the handing over once the I/O side is gone.
struct line_feed {
    std::mutex mutex;
    std::deque<std::string> lines;
    bool ended = false;
    bool closed = false;
};
constexpr auto feed_poll = std::chrono::milliseconds(1);

void shut(line_feed& feed) {
    std::lock_guard lock(feed.mutex);
    feed.closed = true;
}

// When datagram k of a stream at `rate` per second is due, from the start: bounded, so
// that no count or rate overflows the clock.
clock::duration due_after(std::uint64_t k, double rate) {
    const double s = std::min(static_cast<double>(k) / rate, 1e9);
    return std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(s));
}

struct state {
    state(const send_config& c, const send_events& e) : cfg(c), ev(e) {}

    const send_config& cfg;
    const send_events& ev;
    asio::io_context io;
    udp::socket socket{io};
    asio::steady_timer wake{io};  // the mode's loop sleeps here; replies and signals wake it
    std::unique_ptr<platform::datagram_receiver> in;
    std::unique_ptr<platform::datagram_sender> out;
    send_result result;
    bool done = false;            // every loop ends
    bool stop_requested = false;  // Ctrl-C: stop sending, finish politely
    clock::time_point last_activity;

    // lines
    std::shared_ptr<line_feed> feed = std::make_shared<line_feed>();
    // ping and probe
    std::uint64_t session = random_session_id();
    ping_tracker tracker;
    bool sending_done = false;
    bool fin_sent = false;  // a report is an answer only after our first fin

    bool failed() const { return result.error != send_error::none; }

    void fail(send_error e, std::error_code ec = {}, std::string detail = {}) {
        if (failed()) return;
        result.error = e;
        result.code = ec;
        result.detail = std::move(detail);
        wake.cancel();
    }

    void fail_io(const std::error_code& ec) {
        const auto kind = platform::classify(ec);
        if (kind == error_kind::refused) fail(send_error::refused, ec);
        else if (kind == error_kind::message_too_long) fail(send_error::too_long, ec);
        else fail(send_error::network, ec);
    }

    // Sleeps until `t`, or until a reply, a line, a signal or a failure wakes it; the
    // loops check what happened.
    asio::awaitable<void> sleep_until(clock::time_point t) {
        if (done || failed()) co_return;
        wake.expires_at(t);
        std::error_code ec;
        co_await wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }

    // A loop that is behind its pace never waits on its own: this lets signals, replies
    // and timers run between two batches.
    asio::awaitable<void> yield() { co_await asio::post(io, asio::use_awaitable); }

    asio::awaitable<bool> send_datagram(std::span<const std::byte> bytes) {
        const platform::outgoing o{bytes};
        const auto r = co_await out->send(std::span(&o, 1));
        result.sent += r.datagrams;
        if (r.error) fail_io(r.error);
        co_return !r.error;
    }

    std::size_t max_payload() const {
        return result.remote.address().is_v4() ? platform::max_udp_payload_v4 : platform::max_udp_payload_v6;
    }

    bool fits(std::size_t size) {
        if (size <= max_payload()) return true;
        if (size >= max_line_read) {
            fail(send_error::too_long, {}, fmt::format("a line of more than {} bytes; a datagram holds at most {} over IPv{}",
                                                       max_line_read - 1, max_payload(), result.remote.address().is_v4() ? 4 : 6));
            return false;
        }
        fail(send_error::too_long, {}, fmt::format("{} bytes; a datagram holds at most {} over IPv{}", size, max_payload(),
                                                   result.remote.address().is_v4() ? 4 : 6));
        return false;
    }

    // Waits until nothing has come for --timeout (message and lines modes).
    asio::awaitable<void> wait_quiet() {
        while (!done && !stop_requested && !failed()) {
            const auto until = last_activity + cfg.timeout;
            if (clock::now() >= until) break;
            co_await sleep_until(until);
        }
    }

    asio::awaitable<void> main();
    asio::awaitable<bool> open();
    asio::awaitable<void> receive_loop();
    void on_datagram(const platform::datagram& d);
    void take_report(const platform::datagram& d, const probe::decoded& decoded);
    asio::awaitable<void> run_message();
    asio::awaitable<void> run_lines();
    asio::awaitable<void> run_ping();
    asio::awaitable<void> run_probe();
    void start_reading_lines();
};

asio::awaitable<bool> state::open() {
    const auto found = co_await net::resolve_host(cfg.host, cfg.family, clock::now() + resolve_timeout);
    if (found.error) {
        const auto kind = platform::classify(found.error);
        const bool unknown = kind == error_kind::name_not_resolved || found.error == asio::error::host_not_found;
        fail(unknown ? send_error::unknown_host : send_error::lookup_failed, found.error, cfg.host);
        co_return false;
    }
    std::error_code ec;
    asio::ip::address local_address;
    std::optional<asio::ip::address> target;
    if (!cfg.bind_address.empty()) {
        local_address = asio::ip::make_address(cfg.bind_address == "localhost" ? "127.0.0.1" : cfg.bind_address, ec);
        if (ec) {
            fail(send_error::bad_address, ec, cfg.bind_address);
            co_return false;
        }
        for (const auto& a : found.addresses)
            if (!target && a.is_v4() == local_address.is_v4()) target = a;
        if (!target) {
            fail(send_error::bad_address, {},
                 fmt::format("{} is IPv{} but {} has no IPv{} address", cfg.bind_address, local_address.is_v4() ? 4 : 6,
                             cfg.host, local_address.is_v4() ? 4 : 6));
            co_return false;
        }
    } else {
        target = found.addresses.front();
        local_address = target->is_v4() ? asio::ip::address(asio::ip::address_v4::any())
                                        : asio::ip::address(asio::ip::address_v6::any());
    }
    result.remote = udp::endpoint(*target, cfg.port);
    // Too long for one datagram of the target's family: said before any socket opens.
    const bool sized = cfg.mode == send_mode::ping || cfg.mode == send_mode::probe;
    if (cfg.mode == send_mode::message && !fits(cfg.message.size())) co_return false;
    if (sized && !fits(std::max(cfg.size, min_probe_size))) co_return false;
    if ((ec = net::open_bound(socket, {local_address, cfg.source_port}))) {
        const auto kind = platform::classify(ec);
        fail(kind == error_kind::address_not_available ? send_error::bad_address : send_error::socket_failed, ec,
             net::to_string(local_address, cfg.source_port));
        co_return false;
    }
    // Connected: the kernel keeps only the target's datagrams for us and reports its
    // ICMP port-unreachable as ECONNREFUSED (WSAECONNRESET on Windows, translated).
    socket.connect(result.remote, ec);
    net::trace_connect(socket, result.remote, ec);
    if (ec) {
        fail(send_error::socket_failed, ec, net::to_string(result.remote));
        co_return false;
    }
    // --source-port equal to the target's port on this very address: the kernel connects
    // the socket to itself, and every datagram comes back as its own reply.
    const udp::endpoint local = socket.local_endpoint(ec);
    if (!ec && local == result.remote) {
        fail(send_error::self_connected, {}, net::to_string(local));
        co_return false;
    }
    if (cfg.mode == send_mode::ping && cfg.interval < flood_ping_interval) {
        std::error_code ignored;
        socket.set_option(asio::socket_base::receive_buffer_size(ping_receive_buffer_bytes), ignored);
        net::trace_socket(platform::trace_step::setsockopt, socket, -1, ignored,
                          fmt::format("SO_RCVBUF={}", ping_receive_buffer_bytes));
    }
    if (cfg.mode == send_mode::probe) {
        std::error_code ignored;
        socket.set_option(asio::socket_base::send_buffer_size(probe_send_buffer_bytes), ignored);
        net::trace_socket(platform::trace_step::setsockopt, socket, -1, ignored, fmt::format("SO_SNDBUF={}", probe_send_buffer_bytes));
    }
    in = std::make_unique<platform::datagram_receiver>(socket, platform::receive_options{.batch = 16, .coalesce = false});
    out = std::make_unique<platform::datagram_sender>(socket, cfg.mode == send_mode::probe && cfg.offload);
    if (ev.on_ready) ev.on_ready(socket.local_endpoint(ec), result.remote);
    co_return true;
}

void state::on_datagram(const platform::datagram& d) {
    last_activity = clock::now();
    if (cfg.mode == send_mode::message || cfg.mode == send_mode::lines) {
        ++result.replies;
        if (ev.on_reply) ev.on_reply(d);
        return;
    }
    const auto decoded = probe::decode(d.bytes);
    const bool ours = decoded.status == probe::decode_status::ok && decoded.msg.session == session;
    if (ours && cfg.mode == send_mode::ping && decoded.msg.type == probe::message_type::ping) {
        ++result.replies;
        std::int64_t rtt = 0;
        const auto kind = tracker.reply(decoded.msg.sequence, d.arrival_ns, cfg.timeout.count(), rtt);
        if (kind != reply_kind::unknown && ev.on_ping_reply) ev.on_ping_reply(d.source, decoded.msg.sequence, d.bytes.size(), rtt, kind);
        wake.cancel();  // the last reply may end the wait
        return;
    }
    const bool our_report = decoded.msg.session == session && decoded.msg.type == probe::message_type::report &&
                            (decoded.status == probe::decode_status::ok ||
                             decoded.status == probe::decode_status::short_report);
    if (our_report && cfg.mode == send_mode::probe) {
        ++result.replies;
        take_report(d, decoded);
        return;
    }
    if (ev.on_notice)
        ev.on_notice(fmt::format("ignored a datagram of {} bytes from {} that answers nothing we sent", d.bytes.size(),
                                 net::to_string(d.source)));
}

// A report is believed only as the answer to our fin, from where the probe went, and
// consistent with what we sent (docs/udp-probe.md, "Trust model"). The first that is not
// stops the handshake: two reports that disagree leave no way to tell which is true.
void state::take_report(const platform::datagram& d, const probe::decoded& decoded) {
    auto& p = result.probe;
    const auto& r = decoded.msg.report;
    auto problem = report_problem::none;
    if (d.source != result.remote) problem = report_problem::wrong_source;
    else if (!fin_sent) problem = report_problem::before_fin;
    else if (decoded.status != probe::decode_status::ok) problem = report_problem::malformed;
    else if (p.report_received) problem = r == p.report ? report_problem::none : report_problem::contradicts;
    else problem = check_report(p.sent, std::max(cfg.size, min_probe_size), r);
    if (problem == report_problem::none) {
        p.report = r;
        p.report_received = true;
    } else if (p.problem == report_problem::none) {
        p.problem = problem;
        p.problem_source = d.source;
    }
    wake.cancel();
}

asio::awaitable<void> state::receive_loop() {
    while (!done) {
        const auto ec = co_await in->receive();
        if (done) break;
        if (ec) {
            if (ec != asio::error::operation_aborted) fail_io(ec);
            break;
        }
        for (const auto& d : in->received()) on_datagram(d);
    }
}

asio::awaitable<void> state::run_message() {
    auto next = clock::now();
    for (std::uint64_t i = 0; i < cfg.count && !stop_requested; ++i) {
        bool waited = false;
        while (clock::now() < next && !stop_requested && !failed()) {
            co_await sleep_until(next);
            waited = true;
        }
        if (stop_requested || failed()) break;
        next += cfg.interval;
        if (!co_await send_datagram(bytes_of(cfg.message))) co_return;
        last_activity = clock::now();
        if (!waited) co_await yield();
    }
    co_await wait_quiet();
}

void state::start_reading_lines() {
    std::thread([feed = feed, next = cfg.next_line, ex = io.get_executor(), this] {
        for (;;) {
            auto line = next();
            const bool ended = !line;
            std::unique_lock lock(feed->mutex);
            while (!feed->closed && feed->lines.size() >= max_queued_lines) {
                lock.unlock();
                std::this_thread::sleep_for(feed_poll);
                lock.lock();
            }
            if (feed->closed) return;
            if (line) feed->lines.push_back(std::move(*line));
            else feed->ended = true;
            asio::post(ex, [this] { wake.cancel(); });
            if (ended) return;
        }
    }).detach();
}

// Moves up to lines_per_turn queued lines into `batch`; true once the input has ended
// and every line has been taken.
bool take_lines(line_feed& feed, std::vector<std::string>& batch) {
    batch.clear();
    std::lock_guard lock(feed.mutex);
    while (!feed.lines.empty() && batch.size() < lines_per_turn) {
        batch.push_back(std::move(feed.lines.front()));
        feed.lines.pop_front();
    }
    return feed.ended && feed.lines.empty();
}

asio::awaitable<void> state::run_lines() {
    start_reading_lines();
    last_activity = clock::now();
    std::vector<std::string> batch;
    while (!stop_requested && !failed()) {
        const bool ended = take_lines(*feed, batch);
        for (const auto& line : batch) {
            if (stop_requested) break;
            if (!fits(line.size()) || !co_await send_datagram(bytes_of(line))) co_return;
            last_activity = clock::now();
        }
        if (ended) break;
        if (!batch.empty()) co_await yield();
        else co_await sleep_until(clock::time_point::max());
    }
    co_await wait_quiet();
}

asio::awaitable<void> state::run_ping() {
    const std::size_t size = std::max(cfg.size, min_probe_size);
    std::vector<std::byte> buf(size);
    std::deque<std::pair<std::uint64_t, clock::time_point>> deadlines;  // in send order
    auto next_send = clock::now();
    std::uint64_t seq = 0;
    for (;;) {
        const auto now = clock::now();
        while (!deadlines.empty()) {
            const auto [s, at] = deadlines.front();
            if (tracker.waiting(s) && at > now) break;
            if (tracker.waiting(s) && ev.on_ping_timeout) ev.on_ping_timeout(s);
            deadlines.pop_front();
        }
        if (failed() || stop_requested) break;
        const bool more = cfg.count == 0 || seq < cfg.count;
        if (more && now >= next_send) {
            const std::int64_t stamp = now_ns();
            probe::encode_header(buf, probe::message_type::ping, session, seq, stamp);
            tracker.sent(seq, stamp);
            if (!co_await send_datagram(buf)) break;
            deadlines.emplace_back(seq, now + cfg.timeout);
            ++seq;
            next_send += cfg.interval;
            co_await yield();
            continue;
        }
        if (!more && deadlines.empty()) break;
        auto wake_at = deadlines.empty() ? clock::time_point::max() : deadlines.front().second;
        if (more) wake_at = std::min(wake_at, next_send);
        co_await sleep_until(wake_at);
    }
    result.ping = tracker.summary();
    // Replies our own socket dropped came back: they are not lost on the path.
    result.receive_drops = platform::receive_drops(static_cast<platform::native_socket>(socket.native_handle()));
    if (result.receive_drops && result.ping.sent > 0) {
        const auto arrived = result.ping.received + std::min(*result.receive_drops, result.ping.sent - result.ping.received);
        result.ping.lost_percent = 100.0 * static_cast<double>(result.ping.sent - arrived) / static_cast<double>(result.ping.sent);
    }
    if (!failed() && result.ping.received == 0) fail(send_error::no_reply, {}, net::to_string(result.remote));
}

asio::awaitable<void> state::run_probe() {
    const std::size_t size = std::max(cfg.size, min_probe_size);
    auto& p = result.probe;
    p.session = session;
    std::vector<std::byte> buf(probe_batch * size);
    const auto cpu_start = platform::cpu_time();
    const auto start = clock::now();
    const auto end = cfg.count == 0 ? start + cfg.duration : clock::time_point::max();
    auto last_send = start;
    while (!stop_requested && !failed()) {
        const auto now = clock::now();
        if (now >= end || (cfg.count > 0 && p.sent >= cfg.count)) break;
        std::uint64_t n = probe_batch;
        if (cfg.rate > 0) {
            // Datagram k is due at start + k / rate.
            const double elapsed = std::chrono::duration<double>(now - start).count();
            const auto due = static_cast<std::uint64_t>(elapsed * cfg.rate) + 1;
            n = due > p.sent ? std::min<std::uint64_t>(due - p.sent, probe_batch) : 0;
            if (n == 0) {
                co_await sleep_until(std::min(start + due_after(p.sent, cfg.rate), end));
                continue;
            }
        }
        if (cfg.count > 0) n = std::min(n, cfg.count - p.sent);
        const std::int64_t stamp = now_ns();
        for (std::uint64_t i = 0; i < n; ++i)
            probe::encode_header(std::span(buf).subspan(i * size, size), probe::message_type::data, session, p.sent + i, stamp);
        const platform::outgoing o{std::span<const std::byte>(buf.data(), n * size), nullptr, nullptr, size};
        const auto r = co_await out->send(std::span(&o, 1));
        p.sent += r.datagrams;
        p.calls += r.calls;
        // Several datagrams in fewer calls than datagrams with GSO still on: segmented.
        if (r.datagrams > 1 && out->max_segments() > 1) p.segmentation = true;
        last_send = clock::now();
        if (r.error) {
            fail_io(r.error);
            break;
        }
        co_await yield();
    }
    p.cpu_s = std::chrono::duration<double>(platform::cpu_time() - cpu_start).count();
    p.duration_s = std::chrono::duration<double>(last_send - start).count();
    p.bytes = p.sent * size;
    if (failed()) co_return;

    // The closing handshake: the fin says how many were sent; the listener answers each
    // fin with its report, so a lost fin or report is made up for by the next fin.
    // Ctrl-C may have ended the stream; the report is still wanted (a second one stops).
    // The fin is padded to the report's size: the listener never answers with more bytes
    // than it was sent, so a spoofed fin cannot turn it into an amplifier.
    std::array<std::byte, probe::fin_size> fin{};
    const auto give_up = clock::now() + cfg.timeout;
    while (!p.report_received && p.problem == report_problem::none && !failed() && clock::now() < give_up) {
        probe::encode_header(fin, probe::message_type::fin, session, p.sent, now_ns());
        fin_sent = true;  // before the send: the answer may come before it returns
        if (!co_await send_datagram(fin)) break;
        co_await sleep_until(std::min(clock::now() + fin_repeat, give_up));
    }
    result.sent = p.sent;  // the fins are not data
    if (failed()) co_return;
    if (p.problem != report_problem::none) fail(send_error::invalid_report, {}, net::to_string(p.problem_source));
    else if (!p.report_received) fail(send_error::no_reply, {}, net::to_string(result.remote));
    else if ((p.report.flags & (probe::report_flag::evicted | probe::report_flag::unknown_session)) != 0)
        fail(send_error::lost_track, {}, net::to_string(result.remote));
}

asio::awaitable<void> state::main() {
    if (co_await open()) {
        net::spawn(io, receive_loop());
        last_activity = clock::now();
        // No co_await in a switch: g++ 12 lays out such a frame wrongly (GCC PR 106188),
        // and this coroutine's frame was read uninitialised.
        auto mode_loop = cfg.mode == send_mode::message ? run_message()
                         : cfg.mode == send_mode::lines ? run_lines()
                         : cfg.mode == send_mode::ping  ? run_ping()
                                                        : run_probe();
        co_await std::move(mode_loop);
    }
    done = true;
    shut(*feed);
    if (socket.is_open()) net::traced_close(socket);
}

}  // namespace

send_result run_send(const send_config& config, const send_events& events) {
    state st(config, events);
    net::stop_signals signals(st.io.get_executor(), [&st](int count) {
        st.result.interrupted = true;
        if (count > 1) {
            st.io.stop();  // a second Ctrl-C: now
            return;
        }
        st.stop_requested = true;
        st.wake.cancel();
    });
    std::exception_ptr failure;
    asio::co_spawn(st.io, st.main(), [&](const std::exception_ptr& e) {
        failure = e;
        signals.cancel();
    });
    st.io.run();
    shut(*st.feed);
    if (failure) std::rethrow_exception(failure);
    return st.result;
}

}  // namespace netlab::udp
