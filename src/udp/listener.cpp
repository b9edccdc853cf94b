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

    // The batch being handled: replies to send and the storage they point into. Each
    // receive loop swaps its own in while it handles a batch (see receive_loop).
    std::vector<platform::outgoing> replies;
    std::vector<asio::ip::address> reply_sources;
    std::vector<std::array<std::byte, probe::report_size>> report_buffers;

    void stop(stop_reason why) {
        if (stopping) return;
        stopping = true;
        summary.reason = why;
        io.stop();
    }

    void report(const session& s, report_reason why) {
        if (events.on_report) events.on_report(s.info, s.stats.report(), why);
    }

    session& find_session(std::uint64_t id, const udp::endpoint& from) {
        if (cached != nullptr && cached->info.id == id) return *cached;
        auto it = sessions.find(id);
        if (it == sessions.end()) {
            if (sessions.size() >= max_sessions) drop_oldest_session();
            auto s = std::make_unique<session>();
            s->info = {id, from};
            it = sessions.emplace(id, std::move(s)).first;
            ++summary.sessions;
        }
        cached = it->second.get();
        return *cached;
    }

    void drop_oldest_session() {
        auto oldest = sessions.begin();
        for (auto it = sessions.begin(); it != sessions.end(); ++it)
            if (it->second->last_seen < oldest->second->last_seen) oldest = it;
        if (!oldest->second->stats.closed()) report(*oldest->second, report_reason::dropped);
        if (cached == oldest->second.get()) cached = nullptr;
        sessions.erase(oldest);
    }

    // Probe data and fins are counted here (true); anything else is an ordinary datagram.
    bool take_probe(const platform::datagram& d, clock::time_point now) {
        const auto decoded = probe::decode(d.bytes);
        if (decoded.status != probe::decode_status::ok) return false;
        const auto& m = decoded.msg;
        if (m.type == probe::message_type::data) {
            session& s = find_session(m.session, d.source);
            s.stats.add(m.sequence, m.send_ns, d.arrival_ns, d.bytes.size());
            s.last_seen = now;
            ++summary.probe_datagrams;
            return true;
        }
        if (m.type != probe::message_type::fin) return false;
        session& s = find_session(m.session, d.source);
        s.last_seen = now;
        if (!s.stats.closed()) {
            s.stats.close(m.sequence);
            report(s, report_reason::closed);
        }
        // Every fin gets the report: the sender repeats its fin until one arrives.
        auto& buf = report_buffers.emplace_back();
        const std::size_t n = probe::encode_report(buf, m.session, now_ns(), s.stats.report());
        queue_reply(d, std::span<const std::byte>(buf.data(), n));
        return true;
    }

    void queue_reply(const platform::datagram& d, std::span<const std::byte> bytes) {
        reply_sources.push_back(d.destination.address());
        const asio::ip::address* from = reply_sources.back().is_unspecified() ? nullptr : &reply_sources.back();
        replies.push_back({bytes, &d.source, from, 0});
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
    }
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
    // This loop's replies: swapped into the shared members while a batch is handled (the
    // other socket's loop may run while this one waits for its send).
    reply_batch mine;
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
        replies.swap(mine.replies);
        reply_sources.swap(mine.reply_sources);
        report_buffers.swap(mine.report_buffers);
        replies.clear();
        reply_sources.clear();
        report_buffers.clear();
        // Replies point into these: no reallocation while the batch is handled.
        reply_sources.reserve(batch.size());
        report_buffers.reserve(batch.size());
        std::uint64_t echoes = 0;
        for (const auto& dg : batch) {
            ++summary.datagrams;
            summary.bytes += dg.bytes.size();
            if (dg.truncated) ++summary.truncated;
            if (!take_probe(dg, now)) {
                if (events.on_datagram) events.on_datagram(dg);
                if (config.echo) {
                    queue_reply(dg, dg.bytes);
                    ++echoes;
                }
            }
            if (config.count > 0 && summary.datagrams >= config.count) break;
        }
        // Swapping moves the buffers, not their elements: the pointers in the replies hold.
        replies.swap(mine.replies);
        reply_sources.swap(mine.reply_sources);
        report_buffers.swap(mine.report_buffers);
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
