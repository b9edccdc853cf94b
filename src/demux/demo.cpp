#include "demux/demo.hpp"

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ip/udp.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <fmt/format.h>

#include <memory>

#include "demux/narration.hpp"
#include "net/endpoint.hpp"
#include "net/socket_trace.hpp"
#include "netlab/platform/datagram.hpp"
#include "netlab/platform/error.hpp"
#include "netlab/platform/interfaces.hpp"
#include "netlab/platform/socket_options.hpp"

namespace netlab::demux {
namespace {

using asio::ip::tcp;
using asio::ip::udp;
using platform::trace_step;
using clock = std::chrono::steady_clock;

// Room in the listen queue for every client before the first accept.
constexpr int backlog = static_cast<int>(max_clients);
// Port 0: tries to find a number free for both protocols; two clients' shared port:
// tries to find one free on both of their addresses.
constexpr int port_tries = 20;
// Each datagram is one short greeting; the buffer has room to spare.
constexpr std::size_t receive_buffer = 2048;

const asio::ip::address_v4 server_address = asio::ip::address_v4::loopback();

template <class Socket>
std::uint64_t handle_of(Socket& s) {
    return static_cast<std::uint64_t>(s.native_handle());
}

std::string payload_of(unsigned client) { return fmt::format("hello from client {}", client); }

class demo {
public:
    demo(const config& c, const events& ev) : cfg_(c), ev_(ev), watchdog_(io_) {}

    outcome run() {
        started_ = clock::now();
        asio::co_spawn(io_, everything(), [](const std::exception_ptr& e) {
            if (e) std::rethrow_exception(e);
        });
        io_.run();
        out_.elapsed_s = std::chrono::duration<double>(clock::now() - started_ - paused_).count();
        return std::move(out_);
    }

private:
    // ---- reporting

    // Emits the --trace record (unless the platform layer traced the call itself) and
    // hands the call to the narration. A server socket's own end is `dst`.
    void report(call c, bool server_side, bool traced = false) {
        c.server = server_side;
        if (!traced && platform::tracing_enabled()) {
            platform::trace_record r;
            r.step = c.step;
            r.handle = c.socket;
            r.local = server_side ? c.dst : c.src;
            r.remote = server_side ? c.src : c.dst;
            r.bytes = c.bytes;
            r.error = c.error;
            // A bind names the address it asked for only when it failed, as elsewhere.
            r.detail = c.error && !c.requested.empty() ? c.requested : c.detail;
            platform::emit_trace(r);
        }
        if (ev_.on_call) ev_.on_call(c);
    }

    call make(protocol p, trace_step step, std::uint64_t socket, unsigned client = 0) const {
        call c;
        c.proto = p;
        c.step = step;
        c.socket = socket;
        c.client = client;
        return c;
    }

    // Records the first failure; false, so callers can `return fail(...)`.
    bool fail(const call& c, std::string what) {
        if (out_.error) return false;
        out_.error = timed_out_ ? std::make_error_code(std::errc::timed_out) : c.error;
        out_.failed = std::move(what);
        return false;
    }

    // Tells the narration a step begins (it may wait for Enter: not counted as run time),
    // then gives the step its own deadline.
    void begin(unsigned number, std::optional<protocol> p) {
        const auto before = clock::now();
        if (ev_.on_step) ev_.on_step(step_text(number, p, facts()));
        paused_ += clock::now() - before;
        watchdog_.expires_after(step_timeout);
        watchdog_.async_wait([this](const std::error_code& ec) {
            if (ec) return;
            timed_out_ = true;
            std::error_code ignored;
            udp_server_.cancel(ignored);
            listener_.cancel(ignored);
            for (auto& s : tcp_clients_) s->cancel(ignored);
            for (auto& s : connections_) s->cancel(ignored);
        });
    }

    demo_facts facts() const { return {out_.port != 0 ? out_.port : cfg_.port, cfg_.clients, out_.distinct_addresses}; }

    // ---- the demonstration

    asio::awaitable<void> everything() {
        co_await steps();
        watchdog_.cancel();  // so that run() returns now, whether the steps ended well or not
    }

    // GCC 12 miscompiles `if (!co_await f()) co_return;` at a coroutine's outermost
    // scope (the frame's `this` is lost): each result goes through a variable.
    asio::awaitable<void> steps() {
        choose_client_addresses();
        begin(1, std::nullopt);
        if (!open_servers()) co_return;
        begin(2, protocol::udp);
        if (!send_datagrams()) co_return;
        begin(3, protocol::udp);
        bool ok = co_await receive_datagrams();
        if (!ok) co_return;
        if (ev_.on_half) ev_.on_half(out_.udp);
        begin(4, protocol::tcp);
        if (!bind_tcp_clients()) co_return;
        ok = co_await connect_clients();
        if (!ok) co_return;
        begin(5, protocol::tcp);
        ok = co_await accept_connections();
        if (!ok) co_return;
        begin(6, protocol::tcp);
        ok = co_await exchange();
        if (!ok) co_return;
        if (ev_.on_half) ev_.on_half(out_.tcp);
        begin(7, std::nullopt);
        co_await close_all();
    }

    // 127.0.0.2, 127.0.0.3, ... where the OS answers on them (Linux, Windows); else all
    // clients on 127.0.0.1, told apart by port alone.
    void choose_client_addresses() {
        out_.distinct_addresses = platform::local_address_usable(client_address(1, true).to_string()) &&
                                  platform::local_address_usable(client_address(cfg_.clients, true).to_string());
        if (!out_.distinct_addresses && ev_.on_note)
            ev_.on_note(fmt::format("127.0.0.2 cannot be bound here: every client uses 127.0.0.1 with a port of its "
                                    "own, so no two TCP clients can share a source port ({})",
                                    platform::loopback_alias_advice()));
    }

    static asio::ip::address_v4 client_address(unsigned client, bool distinct) {
        return distinct ? asio::ip::address_v4(server_address.to_uint() + client) : server_address;
    }
    asio::ip::address_v4 client_address(unsigned client) const { return client_address(client, out_.distinct_addresses); }

    // Step 1: the TCP listener takes a port (any free one for port 0), the UDP socket the
    // same number; for port 0, another try when UDP finds that number taken.
    bool open_servers() {
        for (int attempt = 0; attempt < port_tries; ++attempt) {
            if (!open_listener()) return false;
            out_.port = listener_.local_endpoint().port();
            const udp::endpoint at(server_address, out_.port);
            if (!open_socket(udp_server_, protocol::udp)) return false;
            std::error_code ec;
            udp_server_.bind(at, ec);
            auto c = make(protocol::udp, trace_step::bind, handle_of(udp_server_));
            c.dst = net::to_string(at);
            c.requested = c.dst;
            c.error = ec;
            report(c, true);
            if (!ec) {
                receiver_ = std::make_unique<platform::datagram_receiver>(
                    udp_server_, platform::receive_options{.batch = 1, .buffer_size = receive_buffer, .coalesce = false});
                return true;
            }
            if (cfg_.port != 0 || platform::classify(ec) != platform::error_kind::address_in_use)
                return fail(c, "bind UDP " + c.dst);
            if (ev_.on_note) ev_.on_note(fmt::format("UDP port {} is taken by another program: another number", out_.port));
            close_quietly(udp_server_);
            close_quietly(listener_);
        }
        return fail({}, "find a port free for both TCP and UDP");
    }

    bool open_listener() {
        const tcp::endpoint at(server_address, cfg_.port);
        if (!open_socket(listener_, protocol::tcp)) return false;
        // As every server does, so that a second run may bind the port again at once.
        std::error_code ec = platform::set_server_address_reuse(handle_of(listener_));
        auto c = make(protocol::tcp, trace_step::setsockopt, handle_of(listener_));
        c.detail = platform::server_address_reuse_option();
        c.error = ec;
        report(c, true, true);
        listener_.bind(at, ec);
        c = make(protocol::tcp, trace_step::bind, handle_of(listener_));
        c.error = ec;
        c.requested = net::to_string(at);
        if (!ec) c.dst = net::to_string(listener_.local_endpoint());
        report(c, true);
        if (ec) return fail(c, "bind TCP " + c.requested);
        listener_.listen(backlog, ec);
        c = make(protocol::tcp, trace_step::listen, handle_of(listener_));
        c.dst = net::to_string(listener_.local_endpoint());
        c.detail = fmt::format("backlog {}", backlog);
        c.error = ec;
        report(c, true);
        if (ec) return fail(c, "listen");
        return true;
    }

    udp::endpoint udp_server_endpoint() const { return {server_address, out_.port}; }

    // Step 2: each client its own socket, address and port; one datagram each.
    bool send_datagrams() {
        for (unsigned k = 1; k <= cfg_.clients; ++k) {
            auto& s = *udp_clients_.emplace_back(std::make_unique<udp::socket>(io_));
            if (!open_client(s, protocol::udp, k, udp::endpoint(client_address(k), 0))) return false;
            const auto payload = payload_of(k);
            const auto to = udp_server_endpoint();
            std::error_code ec;
            const auto n = s.send_to(asio::buffer(payload), to, 0, ec);
            auto c = make(protocol::udp, trace_step::sendto, handle_of(s), k);
            c.src = net::to_string(s.local_endpoint());
            c.dst = net::to_string(to);
            c.bytes = ec ? -1 : static_cast<std::int64_t>(n);
            c.payload = payload;
            c.error = ec;
            report(c, false);
            if (ec) return fail(c, "sendto " + c.dst);
        }
        return true;
    }

    // socket + bind for a client; `at` port 0 lets the OS choose.
    template <class Socket>
    bool open_client(Socket& s, protocol p, unsigned client, const typename Socket::endpoint_type& at) {
        if (!open_socket(s, p, client)) return false;
        const auto c = bind_client(s, p, client, at);
        return !c.error || fail(c, fmt::format("bind client {} to {}", client, c.requested));
    }

    // socket() for a client (numbered from 1) or, with client 0, a server.
    template <class Socket>
    bool open_socket(Socket& s, protocol p, unsigned client = 0) {
        std::error_code ec;
        s.open(Socket::protocol_type::v4(), ec);
        auto c = make(p, trace_step::socket, ec ? 0 : handle_of(s), client);
        c.error = ec;
        c.detail = net::socket_kind(Socket::protocol_type::v4());
        const bool server = client == 0;
        report(c, server);
        if (!ec) return true;
        return fail(c, server ? fmt::format("socket({})", p == protocol::tcp ? "SOCK_STREAM" : "SOCK_DGRAM")
                              : fmt::format("socket for client {}", client));
    }

    template <class Socket>
    call bind_client(Socket& s, protocol p, unsigned client, const typename Socket::endpoint_type& at) {
        std::error_code ec;
        s.bind(at, ec);
        auto c = make(p, trace_step::bind, handle_of(s), client);
        c.requested = net::to_string(at);
        c.error = ec;
        if (!ec) c.src = net::to_string(s.local_endpoint());
        report(c, false);
        return c;
    }

    unsigned client_of(const std::string& src, protocol p) const {
        unsigned same_port = 0;
        for (unsigned k = 1; k <= cfg_.clients; ++k) {
            std::error_code ec;
            const auto local = p == protocol::udp ? net::to_string(udp_clients_[k - 1]->local_endpoint(ec))
                                                  : net::to_string(tcp_clients_[k - 1]->local_endpoint(ec));
            if (ec) continue;
            if (local == src) return k;
            // Some stacks (wine's) report a datagram from 127.0.0.2 as from 127.0.0.1: the
            // client's port still tells it apart.
            if (p == protocol::udp && same_port == 0 && local.substr(local.rfind(':')) == src.substr(src.rfind(':')))
                same_port = k;
        }
        return same_port;
    }

    // Step 3: recvfrom on the one server socket, once per datagram.
    asio::awaitable<bool> receive_datagrams() {
        auto& sock = out_.udp.sockets.emplace_back();
        sock.socket = handle_of(udp_server_);
        sock.local = net::to_string(udp_server_.local_endpoint());
        std::size_t ours = 0;  // anyone may send to a UDP port: datagrams from others are shown, not counted
        while (ours < cfg_.clients) {
            const auto ec = co_await receiver_->receive();
            auto c = make(protocol::udp, trace_step::recvfrom, sock.socket);
            c.dst = sock.local;
            c.error = ec;
            if (ec) {
                report(c, true, true);
                co_return fail(c, "recvfrom");
            }
            for (const auto& d : receiver_->received()) {
                c.src = net::to_string(d.source);
                c.dst = net::to_string(d.destination);
                c.client = client_of(c.src, protocol::udp);
                c.bytes = static_cast<std::int64_t>(d.bytes.size());
                c.payload.assign(reinterpret_cast<const char*>(d.bytes.data()), d.bytes.size());
                c.header = netlab::udp::header_of(d);
                report(c, true, true);
                sock.arrivals.push_back({c.client, c.src, d.bytes.size(), c.payload});
                if (c.client != 0) ++ours;
            }
        }
        co_return true;
    }

    // Every TCP client's socket and address; where the OS has the addresses, client 2
    // binds client 1's port from its own address.
    bool bind_tcp_clients() {
        for (unsigned k = 1; k <= cfg_.clients; ++k) {
            auto& s = *tcp_clients_.emplace_back(std::make_unique<tcp::socket>(io_));
            if (!open_socket(s, protocol::tcp, k)) return false;
            const bool shares = out_.distinct_addresses && k == 2;
            for (int attempt = 1;; ++attempt) {
                const std::uint16_t port = shares ? tcp_clients_[0]->local_endpoint().port() : 0;
                const auto c = bind_client(s, protocol::tcp, k, tcp::endpoint(client_address(k), port));
                if (!c.error) {
                    if (shares) out_.shared_source_port = port;
                    break;
                }
                if (!shares || attempt == port_tries || platform::classify(c.error) != platform::error_kind::address_in_use)
                    return fail(c, fmt::format("bind client {} to {}", k, c.requested));
                // That port is taken on the second address (an earlier run's TIME_WAIT):
                // client 1 starts again on another.
                auto& first = *tcp_clients_[0];
                close_reported(first, protocol::tcp, 1, false);
                if (!open_client(first, protocol::tcp, 1, tcp::endpoint(client_address(1), 0))) return false;
            }
        }
        return true;
    }

    tcp::endpoint tcp_server_endpoint() const { return {server_address, out_.port}; }

    // Step 4: each client connects; the kernel completes the handshake, the connection
    // waits in the listen queue.
    asio::awaitable<bool> connect_clients() {
        for (unsigned k = 1; k <= cfg_.clients; ++k) {
            auto& s = *tcp_clients_[k - 1];
            std::error_code ec;
            co_await s.async_connect(tcp_server_endpoint(), asio::redirect_error(asio::use_awaitable, ec));
            auto c = make(protocol::tcp, trace_step::connect, handle_of(s), k);
            c.dst = net::to_string(tcp_server_endpoint());
            std::error_code ignored;
            c.src = net::to_string(s.local_endpoint(ignored));
            c.error = ec;
            report(c, false);
            if (ec) co_return fail(c, "connect to " + c.dst);
        }
        co_return true;
    }

    // Step 5: one accept per connection, each a new socket.
    asio::awaitable<bool> accept_connections() {
        out_.tcp.proto = protocol::tcp;
        const auto listener = handle_of(listener_);
        auto& l = out_.tcp.sockets.emplace_back();
        l.socket = listener;
        l.listener = true;
        l.local = net::to_string(listener_.local_endpoint());
        connections_.resize(cfg_.clients);
        while (accepted_.size() < cfg_.clients) {
            std::error_code ec;
            tcp::socket s = co_await listener_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
            auto c = make(protocol::tcp, trace_step::accept, ec ? 0 : handle_of(s));
            c.listener = listener;
            c.error = ec;
            if (ec) {
                c.socket = listener;
                report(c, true);
                co_return fail(c, "accept");
            }
            std::error_code ignored;
            c.src = net::to_string(s.remote_endpoint(ignored));
            c.dst = net::to_string(s.local_endpoint(ignored));
            c.client = client_of(c.src, protocol::tcp);
            report(c, true);
            if (c.client == 0) {  // another program connected to this port (a port scan): not ours to keep
                close_reported(s, protocol::tcp, 0, true);
                continue;
            }
            auto& view = out_.tcp.sockets.emplace_back();
            view.socket = c.socket;
            view.local = c.dst;
            view.remote = c.src;
            connections_[c.client - 1] = std::make_unique<tcp::socket>(std::move(s));
            accepted_.push_back(c.client);
        }
        co_return true;
    }

    // Step 6: every client sends; each connection's socket receives its own client's bytes.
    asio::awaitable<bool> exchange() {
        for (unsigned k = 1; k <= cfg_.clients; ++k) {
            auto& s = *tcp_clients_[k - 1];
            const auto payload = payload_of(k);
            std::error_code ec;
            const auto n = s.send(asio::buffer(payload), 0, ec);
            auto c = make(protocol::tcp, trace_step::send, handle_of(s), k);
            std::error_code ignored;
            c.src = net::to_string(s.local_endpoint(ignored));
            c.dst = net::to_string(s.remote_endpoint(ignored));
            c.bytes = ec ? -1 : static_cast<std::int64_t>(n);
            c.payload = payload;
            c.error = ec;
            report(c, false);
            if (ec) co_return fail(c, fmt::format("send from client {}", k));
        }
        // In the order accepted; the views follow the listener's, in the same order.
        for (std::size_t i = 0; i < accepted_.size(); ++i) {
            const unsigned k = accepted_[i];
            auto& view = out_.tcp.sockets[i + 1];
            const std::size_t want = payload_of(k).size();
            std::string got;
            while (got.size() < want) {
                const auto c = co_await receive(*connections_[k - 1], k, want - got.size());
                if (c.error || c.bytes == 0) co_return fail(c, fmt::format("recv on socket {}", view.socket));
                got += c.payload;
            }
            view.arrivals.push_back({k, view.remote, got.size(), got});
        }
        co_return true;
    }

    // One recv on a connection's socket, reported; end of stream is 0 bytes, no error.
    asio::awaitable<call> receive(tcp::socket& s, unsigned client, std::size_t at_most) {
        std::string buf(at_most, '\0');
        std::error_code ec;
        const auto n = co_await s.async_read_some(asio::buffer(buf), asio::redirect_error(asio::use_awaitable, ec));
        auto c = make(protocol::tcp, trace_step::recv, handle_of(s), client);
        std::error_code ignored;
        c.src = net::to_string(s.remote_endpoint(ignored));
        c.dst = net::to_string(s.local_endpoint(ignored));
        if (ec == asio::error::eof) {
            c.bytes = 0;
            c.detail = "peer closed (end of stream)";
        } else {
            c.error = ec;
            c.bytes = ec ? -1 : static_cast<std::int64_t>(n);
            c.payload = buf.substr(0, n);
        }
        report(c, true);
        co_return c;
    }

    // Step 7: clients close first (so the TIME_WAIT is theirs, not the server port's);
    // each connection then reads end of stream and closes; then the servers close.
    asio::awaitable<void> close_all() {
        for (unsigned k = 1; k <= cfg_.clients; ++k) close_reported(*tcp_clients_[k - 1], protocol::tcp, k, false);
        for (unsigned k = 1; k <= cfg_.clients; ++k) {
            auto& s = *connections_[k - 1];
            const auto c = co_await receive(s, k, receive_buffer);
            if (c.error || c.bytes != 0) fail(c, fmt::format("recv of end of stream on socket {}", c.socket));
            close_reported(s, protocol::tcp, k, true);
        }
        close_reported(listener_, protocol::tcp, 0, true);
        for (unsigned k = 1; k <= cfg_.clients; ++k) close_reported(*udp_clients_[k - 1], protocol::udp, k, false);
        close_reported(udp_server_, protocol::udp, 0, true);
    }

    template <class Socket>
    void close_reported(Socket& s, protocol p, unsigned client, bool server_side) {
        auto c = make(p, trace_step::close, handle_of(s), client);
        std::error_code ignored;
        const auto local = net::to_string(s.local_endpoint(ignored));
        std::string remote;
        if constexpr (!std::is_same_v<Socket, tcp::acceptor>) {
            if (p == protocol::tcp) remote = net::to_string(s.remote_endpoint(ignored));
            if (ignored) remote.clear();
        }
        c.src = server_side ? remote : local;
        c.dst = server_side ? local : remote;
        std::error_code ec;
        s.close(ec);
        c.error = ec;
        report(c, server_side);
    }

    template <class Socket>
    static void close_quietly(Socket& s) {
        std::error_code ignored;
        s.close(ignored);
    }

    config cfg_;
    const events& ev_;
    asio::io_context io_;
    udp::socket udp_server_{io_};
    tcp::acceptor listener_{io_};
    std::unique_ptr<platform::datagram_receiver> receiver_;
    std::vector<std::unique_ptr<udp::socket>> udp_clients_;
    std::vector<std::unique_ptr<tcp::socket>> tcp_clients_;
    std::vector<std::unique_ptr<tcp::socket>> connections_;  // accepted, in client order
    std::vector<unsigned> accepted_;                         // client numbers, in the order accepted
    asio::steady_timer watchdog_;
    bool timed_out_ = false;
    clock::time_point started_;
    clock::duration paused_{};
    outcome out_;
};

}  // namespace

std::string_view protocol_name(protocol p) { return p == protocol::udp ? "udp" : "tcp"; }

outcome run(const config& c, const events& ev) {
    demo d(c, ev);
    return d.run();
}

}  // namespace netlab::demux
