#include "udp/listener.hpp"

#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <fmt/format.h>
#include <unordered_map>
#include <vector>

#include "net/listener.hpp"
#include "net/socket_trace.hpp"
#include "net/spawn.hpp"
#include "net/stop_signals.hpp"
#include "netlab/platform/error.hpp"
#include "netlab/platform/socket_options.hpp"
#include "udp/session_stats.hpp"
#include "udp/trust.hpp"

namespace netlab::udp {
namespace {

using asio::ip::udp;
using clock = std::chrono::steady_clock;

// Room in the kernel for bursts while we process the previous batch (the OS may cap it:
// Linux at net.core.rmem_max).
constexpr int receive_buffer_bytes = 4 << 20;
// After a receive error, wait this long before the next try, so it cannot spin.
constexpr std::chrono::milliseconds error_pause{100};

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// One bound socket: the wildcard, one address, or one of localhost's two.
struct bound_socket {
    explicit bound_socket(asio::io_context& io) : socket(io) {}
    udp::socket socket;
    udp::endpoint bound_at;  // for --echo's own-address rule
    std::unique_ptr<platform::datagram_receiver> in;
    std::unique_ptr<platform::datagram_sender> out;
};

// A batch's replies and the storage they point into (see receive_loop).
struct reply_batch {
    std::vector<platform::outgoing> replies;
    std::vector<asio::ip::address> reply_sources;
    std::vector<std::array<std::byte, probe::report_size>> report_buffers;
};

platform::native_socket handle_of(udp::socket& s) { return static_cast<platform::native_socket>(s.native_handle()); }

struct session {
    session_info info;
    session_stats stats;
    clock::time_point last_seen;
    std::uint64_t reported_received = 0;  // at the last interval report
    bool evicted_before = false;          // its id was dropped for room once: begun again
    bool other_address_said = false;
    bool short_fin_said = false;
};

}  // namespace

struct listener::impl {
    listen_config config;
    listen_events events;
    asio::io_context io;
    std::vector<std::unique_ptr<bound_socket>> sockets;
    std::unique_ptr<net::stop_signals> signals;
    listen_summary summary;
    clock::time_point started;
    clock::time_point last_activity;
    bool stopping = false;

    std::unordered_map<std::uint64_t, std::unique_ptr<session>> sessions;
    session* cached = nullptr;  // the session of the previous datagram: most are alike
    // A dropped id is remembered long after (8 bytes each), so its return is told apart
    // from a stream that lost its first datagrams.
    evicted_ids evicted{0};
    std::unique_ptr<echo_limiter> echo_budget;
    bool echo_no_room_said = false;

    // Where the batch being handled puts its replies: the receive loop's own (each socket
    // has a loop, and one may handle a batch while another waits for its send).
    reply_batch* filling = nullptr;

    void stop(stop_reason why) {
        if (stopping) return;
        stopping = true;
        summary.reason = why;
        io.stop();
    }

    probe::report_body report_of(const session& s) const {
        auto r = s.stats.report();
        if (s.evicted_before) r.flags |= probe::report_flag::evicted;
        return r;
    }

    void report(const session& s, report_reason why) {
        if (events.on_report) events.on_report(s.info, report_of(s), why);
    }

    void refuse(refusal what, std::uint64_t id, const udp::endpoint& from, const udp::endpoint& peer = {}) {
        if (events.on_refusal) events.on_refusal({what, id, from, peer});
    }

    // The session of `id` if it is `from`'s; nullptr otherwise (none, or another address's:
    // a datagram that names a session does not thereby belong to it).
    session* known_session(std::uint64_t id, const udp::endpoint& from) {
        if (cached != nullptr && cached->info.id == id && cached->info.peer == from) return cached;
        const auto it = sessions.find(id);
        if (it == sessions.end()) return nullptr;
        session& s = *it->second;
        if (s.info.peer != from) {
            ++summary.other_address;
            if (!s.other_address_said) refuse(refusal::other_address, id, from, s.info.peer);
            s.other_address_said = true;
            return nullptr;
        }
        cached = &s;
        return cached;
    }

    // The session of a data datagram: found, or opened (never for another address's id).
    session* find_session(std::uint64_t id, const udp::endpoint& from) {
        if (session* s = known_session(id, from)) return s;
        if (sessions.contains(id)) return nullptr;
        if (sessions.size() >= std::max<std::size_t>(1, config.max_sessions)) drop_oldest_session();
        auto s = std::make_unique<session>();
        s->info = {id, from};
        s->evicted_before = evicted.contains(id);
        cached = sessions.emplace(id, std::move(s)).first->second.get();
        ++summary.sessions;
        return cached;
    }

    void drop_oldest_session() {
        auto chosen = sessions.begin();
        const auto key = [](const session& s) { return eviction_candidate{s.stats.closed(), s.last_seen}; };
        for (auto it = sessions.begin(); it != sessions.end(); ++it)
            if (evict_before(key(*it->second), key(*chosen->second))) chosen = it;
        if (!chosen->second->stats.closed()) {
            report(*chosen->second, report_reason::dropped);
            ++summary.evictions;
        }
        evicted.add(chosen->first);
        if (cached == chosen->second.get()) cached = nullptr;
        sessions.erase(chosen);
    }

    // Answers a fin with `r`, never with more bytes than the fin had (a spoofed fin must
    // not make us an amplifier): fewer fields, or nothing below the least report.
    bool answer_fin(const platform::datagram& d, std::uint64_t id, const probe::report_body& r) {
        const std::size_t fields = probe::report_fields_within(d.bytes.size());
        if (fields == 0) {
            ++summary.short_fins;
            return false;
        }
        auto& buf = filling->report_buffers.emplace_back();
        const std::size_t n = probe::encode_report(buf, id, now_ns(), r, fields);
        queue_reply(d, std::span<const std::byte>(buf.data(), n));
        return true;
    }

    // Probe data and fins are counted here (true); anything else is an ordinary datagram.
    bool take_probe(const platform::datagram& d, clock::time_point now) {
        const auto decoded = probe::decode(d.bytes);
        if (decoded.status != probe::decode_status::ok) return false;
        const auto& m = decoded.msg;
        if (m.type == probe::message_type::data) {
            ++summary.probe_datagrams;
            session* s = find_session(m.session, d.source);
            if (s == nullptr) return true;
            s->stats.add(m.sequence, m.send_ns, d.arrival_ns, d.bytes.size());
            s->last_seen = now;
            return true;
        }
        if (m.type != probe::message_type::fin) return false;
        session* s = known_session(m.session, d.source);
        if (s == nullptr) {
            // Neither opened nor dropped for: the answer says we have no such session.
            ++summary.unknown_fins;
            refuse(refusal::unknown_fin, m.session, d.source);
            probe::report_body unknown;
            unknown.flags = probe::report_flag::unknown_session;
            answer_fin(d, m.session, unknown);
            return true;
        }
        s->last_seen = now;
        if (!s->stats.closed()) {
            s->stats.close(m.sequence);
            report(*s, report_reason::closed);
        }
        // Every fin gets the report: the sender repeats its fin until one arrives.
        if (!answer_fin(d, m.session, report_of(*s)) && !s->short_fin_said) {
            s->short_fin_said = true;
            refuse(refusal::short_fin, m.session, d.source);
        }
        return true;
    }

    // --echo, unless the datagram is our own (an echo would return to us for ever) or its
    // address has had its share (two echoing listeners and one spoofed datagram would
    // otherwise bounce it between them for ever).
    bool may_echo(const platform::datagram& d, const udp::endpoint& bound_at, clock::time_point now) {
        if (is_own_address(d.source, bound_at, d.destination)) {
            ++summary.echoes_to_self;
            refuse(refusal::echo_to_self, 0, d.source);
            return false;
        }
        const auto verdict = echo_budget->allow(d.source.address(), now);
        if (verdict == echo_verdict::allowed) return true;
        ++summary.echoes_limited;
        if (verdict == echo_verdict::limited_first) refuse(refusal::echo_rate_limited, 0, d.source);
        // Many spoofed sources would make this one event each: said once, counted always.
        if (verdict == echo_verdict::no_room && !echo_no_room_said) refuse(refusal::echo_no_room, 0, d.source);
        echo_no_room_said = echo_no_room_said || verdict == echo_verdict::no_room;
        return false;
    }

    void queue_reply(const platform::datagram& d, std::span<const std::byte> bytes) {
        auto& sources = filling->reply_sources;
        sources.push_back(d.destination.address());
        const asio::ip::address* from = sources.back().is_unspecified() ? nullptr : &sources.back();
        filling->replies.push_back({bytes, &d.source, from, 0});
    }

    std::optional<std::uint64_t> kernel_drops();
    asio::awaitable<void> receive_loop(bound_socket& bs);
    asio::awaitable<void> idle_watch();
    asio::awaitable<void> interval_reports();
};

listener::listener(listen_config config, listen_events events) : impl_(std::make_unique<impl>()) {
    impl_->config = std::move(config);
    impl_->events = std::move(events);
}

listener::~listener() = default;

namespace {

// "localhost" is ::1 and 127.0.0.1 (RFC 6761 §6.3; net::resolve_host gives ::1 first, so
// udp-send and most programs try it first): a socket on each, on one port. Port 0 lets the
// OS pick for ::1; if that number is taken on 127.0.0.1 another is tried. Without IPv6 (no
// ::1), 127.0.0.1 alone.
constexpr int localhost_port_tries = 16;

}  // namespace

std::error_code listener::start() {
    auto& d = *impl_;
    const auto open = [&d](const asio::ip::address& address, std::uint16_t port) {
        auto s = std::make_unique<bound_socket>(d.io);
        const auto ec = net::open_bound(s->socket, {address, port});
        if (!ec) d.sockets.push_back(std::move(s));
        return ec;
    };
    const auto close_all = [&d] {
        for (auto& s : d.sockets) net::traced_close(s->socket);
        d.sockets.clear();
    };
    std::error_code ec;
    if (d.config.bind_address == "localhost") {
        for (int attempt = 0; attempt < localhost_port_tries; ++attempt) {
            close_all();
            if ((ec = open(asio::ip::address_v6::loopback(), d.config.port))) {
                const auto kind = platform::classify(ec);
                if (kind == platform::error_kind::address_in_use || kind == platform::error_kind::access_denied) break;
                ec = open(asio::ip::address_v4::loopback(), d.config.port);  // no IPv6 here
                break;
            }
            std::error_code ignored;
            const auto port = d.sockets.front()->socket.local_endpoint(ignored).port();
            ec = open(asio::ip::address_v4::loopback(), port);
            if (!ec || d.config.port != 0 || platform::classify(ec) != platform::error_kind::address_in_use) break;
        }
        if (ec) close_all();
    } else {
        ec = net::open_on_listen_address(d.config.bind_address, [&](const asio::ip::address& address) {
            close_all();
            return open(address, d.config.port);
        });
    }
    if (ec) return ec;
    for (auto& s : d.sockets) {
        // Windows would end the receive loop with WSAECONNRESET after an echo to a closed port.
        platform::disable_udp_connection_reset(handle_of(s->socket));
        std::error_code ignored;
        s->socket.set_option(asio::socket_base::receive_buffer_size(receive_buffer_bytes), ignored);
        net::trace_socket(platform::trace_step::setsockopt, s->socket, -1, ignored,
                          fmt::format("SO_RCVBUF={}", receive_buffer_bytes));
        s->bound_at = s->socket.local_endpoint(ignored);
    }
    d.evicted = evicted_ids(std::max<std::size_t>(1024, 4 * d.config.max_sessions));
    d.echo_budget = std::make_unique<echo_limiter>(d.config.echo_rate, echo_peers);
    d.signals = std::make_unique<net::stop_signals>(d.io.get_executor(), [&d](int) { d.stop(stop_reason::signal); });
    return {};
}

void listener::request_stop(stop_reason why) {
    auto& d = *impl_;
    asio::post(d.io, [&d, why] { d.stop(why); });
}

listen_summary listener::run() {
    auto& d = *impl_;
    d.started = d.last_activity = clock::now();
    // The receivers are made before anyone is told where we listen, so that the
    // destination-address option is on before the first datagram can arrive.
    for (auto& s : d.sockets) {
        s->in = std::make_unique<platform::datagram_receiver>(s->socket, platform::receive_options{.coalesce = d.config.offload});
        s->out = std::make_unique<platform::datagram_sender>(s->socket, false);
    }
    if (d.events.on_listening) {
        listening_info info;
        for (auto& s : d.sockets) {
            std::error_code ignored;
            const auto local = s->socket.local_endpoint(ignored);
            info.addresses.push_back(local.address().to_string());
            info.port = local.port();
            info.dual_stack = info.dual_stack || (local.address().is_v6() && local.address().is_unspecified());
        }
        info.address = info.addresses.empty() ? std::string() : info.addresses.front();
        info.coalescing = !d.sockets.empty() && d.sockets.front()->in->coalescing();
        d.events.on_listening(info);
    }
    // Through net::spawn: an exception that ends a loop (out of memory) comes out of
    // io.run() and ends the command with its line, never a listener gone deaf.
    for (auto& s : d.sockets) net::spawn(d.io, d.receive_loop(*s));
    if (d.config.idle_timeout.count() > 0) net::spawn(d.io, d.idle_watch());
    if (d.config.report_interval.count() > 0) net::spawn(d.io, d.interval_reports());
    d.io.run();
    for (const auto& [id, s] : d.sessions)
        if (!s->stats.closed()) d.report(*s, report_reason::stopped);
    d.summary.kernel_drops = d.kernel_drops();
    for (auto& s : d.sockets) net::traced_close(s->socket);
    d.summary.uptime_s = std::chrono::duration<double>(clock::now() - d.started).count();
    return d.summary;
}

std::optional<std::uint64_t> listener::impl::kernel_drops() {
    std::uint64_t total = 0;
    for (auto& s : sockets) {
        const auto n = platform::receive_drops(handle_of(s->socket));
        if (!n) return std::nullopt;
        total += *n;
    }
    return total;
}

asio::awaitable<void> listener::impl::receive_loop(bound_socket& bs) {
    auto& in = *bs.in;
    auto& out = *bs.out;
    reply_batch mine;  // this loop's replies
    asio::steady_timer pause(io);
    while (!stopping) {
        auto ec = co_await in.receive();
        if (stopping) break;
        if (ec) {
            if (events.on_notice) events.on_notice(fmt::format("receive failed: {}", platform::describe(ec)));
            pause.expires_after(error_pause);
            co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        const auto now = clock::now();
        last_activity = now;
        const auto batch = in.received();
        mine.replies.clear();
        mine.reply_sources.clear();
        mine.report_buffers.clear();
        // Replies point into these: no reallocation while the batch is handled.
        mine.reply_sources.reserve(batch.size());
        mine.report_buffers.reserve(batch.size());
        filling = &mine;
        std::uint64_t echoes = 0;
        for (const auto& dg : batch) {
            ++summary.datagrams;
            summary.bytes += dg.bytes.size();
            if (dg.truncated) ++summary.truncated;
            if (!take_probe(dg, now)) {
                if (events.on_datagram) events.on_datagram(dg);
                if (config.echo && may_echo(dg, bs.bound_at, now)) {
                    queue_reply(dg, dg.bytes);
                    ++echoes;
                }
            }
            if (config.count > 0 && summary.datagrams >= config.count) break;
        }
        filling = nullptr;
        if (!mine.replies.empty()) {
            const auto sent = co_await out.send(mine.replies);
            // Reports to fins go out in the same call; only echoes count as echoed.
            summary.echoed += sent.error ? std::min(echoes, sent.datagrams) : echoes;
            if (sent.error && events.on_notice)
                events.on_notice(fmt::format("reply failed: {}", platform::describe(sent.error)));
        }
        if (config.count > 0 && summary.datagrams >= config.count) stop(stop_reason::count);
        // Under a flood receive() finds datagrams waiting every time and returns without
        // passing through the event loop: without this, Ctrl-C, --timeout, --interval and
        // the other socket's loop would wait until the flood ends (seconds).
        co_await asio::post(io, asio::use_awaitable);
    }
}

asio::awaitable<void> listener::impl::idle_watch() {
    asio::steady_timer timer(io);
    while (!stopping) {
        timer.expires_at(last_activity + config.idle_timeout);
        std::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (clock::now() >= last_activity + config.idle_timeout) stop(stop_reason::timeout);
    }
}

asio::awaitable<void> listener::impl::interval_reports() {
    asio::steady_timer timer(io);
    auto next = clock::now();
    auto last = next;
    std::uint64_t datagrams_before = 0;
    std::uint64_t bytes_before = 0;
    auto drops_before = kernel_drops();
    while (!stopping) {
        next += config.report_interval;
        timer.expires_at(next);
        std::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (stopping) break;
        for (auto& [id, s] : sessions) {
            if (s->stats.closed() || s->stats.received() == s->reported_received) continue;
            s->reported_received = s->stats.received();
            report(*s, report_reason::interval);
        }
        const auto now = clock::now();
        interval_traffic t;
        t.elapsed_s = std::chrono::duration<double>(now - started).count();
        t.span_s = std::chrono::duration<double>(now - last).count();
        t.datagrams = summary.datagrams - datagrams_before;
        t.bytes = summary.bytes - bytes_before;
        t.total_datagrams = summary.datagrams;
        t.kernel_drops = kernel_drops();
        if (t.kernel_drops && drops_before) t.new_kernel_drops = *t.kernel_drops - std::min(*t.kernel_drops, *drops_before);
        last = now;
        datagrams_before = summary.datagrams;
        bytes_before = summary.bytes;
        drops_before = t.kernel_drops;
        // A quiet interval says nothing: a listener that waits stays silent.
        if ((t.datagrams > 0 || t.new_kernel_drops > 0) && events.on_interval) events.on_interval(t);
    }
}

}  // namespace netlab::udp
