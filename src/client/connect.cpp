#include "client/connect.hpp"

#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <algorithm>
#include <cctype>
#include <memory>

#include "net/socket_trace.hpp"
#include "net/spawn.hpp"

namespace netlab::client {
namespace {

using asio::ip::tcp;
using platform::trace_step;

// The shared state of one connection race. Attempts are separate coroutines that may
// finish after the race is decided, so they hold it by shared_ptr.
struct race {
    explicit race(const asio::any_io_executor& ex) : wake(ex) {}
    asio::steady_timer wake;       // the deciding coroutine sleeps here
    std::vector<std::unique_ptr<tcp::socket>> sockets;
    int in_flight = 0;
    int failures_unseen = 0;       // failures the deciding coroutine has not acted on
    bool decided = false;
    int winner = -1;
    std::error_code last_error;
};

asio::awaitable<void> attempt(std::shared_ptr<race> r, int index, tcp::endpoint ep, const connect_events* events) {
    auto& s = *r->sockets[static_cast<std::size_t>(index)];
    std::error_code ec;
    co_await s.async_connect(ep, asio::redirect_error(asio::use_awaitable, ec));
    --r->in_flight;
    if (r->decided) co_return;  // lost, or the race was given up; the socket is closed
    net::trace_connect(s, ep, ec);
    if (!ec) {
        r->decided = true;
        r->winner = index;
    } else {
        r->last_error = ec;
        ++r->failures_unseen;
        if (events->failed) events->failed(ep, ec);
        net::traced_close(s);
    }
    r->wake.cancel();
}

}  // namespace

std::vector<tcp::endpoint> order_for_happy_eyeballs(const std::vector<tcp::endpoint>& endpoints) {
    std::vector<tcp::endpoint> v6, v4, out;
    for (const auto& ep : endpoints) {
        auto& list = ep.address().is_v6() ? v6 : v4;
        bool seen = false;
        for (const auto& e : list) seen = seen || e == ep;
        if (!seen) list.push_back(ep);
    }
    for (std::size_t i = 0; i < v6.size() || i < v4.size(); ++i) {
        if (i < v6.size()) out.push_back(v6[i]);
        if (i < v4.size()) out.push_back(v4[i]);
    }
    return out;
}

std::optional<resolve_override> parse_resolve_override(std::string_view text, std::string& why) {
    const auto expected = [&](std::string_view what) {
        why = std::string(what) + " in '" + std::string(text) + "': expected HOST:PORT:ADDRESS such as example.com:443:127.0.0.1";
        return std::nullopt;
    };
    resolve_override out;
    std::string_view rest = text;
    // HOST may be an IPv6 literal in brackets.
    std::size_t host_end = 0;
    if (rest.starts_with('[')) {
        host_end = rest.find(']');
        if (host_end == std::string_view::npos) return expected("an unclosed '['");
        out.host = std::string(rest.substr(1, host_end - 1));
        ++host_end;
    } else {
        host_end = rest.find(':');
        if (host_end == std::string_view::npos) return expected("no ':'");
        out.host = std::string(rest.substr(0, host_end));
    }
    if (out.host.empty()) return expected("no host");
    for (auto& c : out.host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    rest.remove_prefix(host_end);
    if (!rest.starts_with(':')) return expected("no ':' after the host");
    rest.remove_prefix(1);
    const auto port_end = rest.find(':');
    if (port_end == std::string_view::npos) return expected("no ':' before the address");
    const auto port_text = rest.substr(0, port_end);
    unsigned port = 0;
    for (const char c : port_text) {
        if (c < '0' || c > '9' || port > 65535) return expected("a port that is not a number from 1 to 65535");
        port = port * 10 + static_cast<unsigned>(c - '0');
    }
    if (port == 0 || port > 65535) return expected("a port that is not a number from 1 to 65535");
    out.port = static_cast<std::uint16_t>(port);
    rest.remove_prefix(port_end + 1);
    while (true) {
        const auto comma = rest.find(',');
        auto a = rest.substr(0, comma);
        if (a.size() >= 2 && a.front() == '[' && a.back() == ']') a = a.substr(1, a.size() - 2);
        std::error_code ec;
        const auto address = asio::ip::make_address(std::string(a), ec);
        if (ec) return expected("'" + std::string(a) + "' is not an IP address");
        out.addresses.push_back(address);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    return out;
}

const resolve_override* find_override(const std::vector<resolve_override>& overrides, std::string_view host,
                                      std::uint16_t port) {
    for (const auto& o : overrides)
        if (o.port == port && o.host.size() == host.size() &&
            std::equal(host.begin(), host.end(), o.host.begin(),
                       [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; }))
            return &o;
    return nullptr;
}

asio::awaitable<resolve_outcome> resolve(std::string host, std::uint16_t port, ip_family family,
                                         clock::time_point deadline) {
    const auto found = co_await net::resolve_host(std::move(host), family, deadline);
    resolve_outcome out;
    out.error = found.error;
    out.timed_out = found.timed_out;
    for (const auto& a : found.addresses) out.endpoints.emplace_back(a, port);
    out.endpoints = order_for_happy_eyeballs(out.endpoints);
    co_return out;
}

asio::awaitable<connect_outcome> connect_any(tcp::socket& out, const std::vector<tcp::endpoint>& endpoints,
                                             clock::time_point deadline, const connect_events& events,
                                             std::chrono::milliseconds attempt_delay) {
    const auto ex = co_await asio::this_coro::executor;
    auto r = std::make_shared<race>(ex);
    connect_outcome result;
    std::size_t next = 0;
    bool delay_passed = false;

    auto start_next = [&] {
        const auto& ep = endpoints[next];
        auto s = std::make_unique<tcp::socket>(ex);
        std::error_code ec;
        s->open(ep.protocol(), ec);
        const int index = static_cast<int>(r->sockets.size());
        r->sockets.push_back(std::move(s));
        ++next;
        ++result.attempts;
        if (events.trying) events.trying(ep);
        if (ec) {
            r->last_error = ec;
            ++r->failures_unseen;
            if (events.failed) events.failed(ep, ec);
            return;
        }
        net::trace_socket(trace_step::socket, *r->sockets.back(), -1, {},
                          net::socket_kind(ep.protocol()) + net::attempt_text(index, endpoints.size()));
        ++r->in_flight;
        net::spawn(ex, attempt(r, index, ep, &events));
    };

    while (true) {
        // RFC 8305 §5: a new attempt when the last one failed or the delay has passed.
        int starts = r->failures_unseen + (delay_passed ? 1 : 0);
        r->failures_unseen = 0;
        if (r->in_flight == 0 && starts == 0) starts = 1;
        while (starts-- > 0 && next < endpoints.size() && !r->decided) start_next();
        if (r->failures_unseen > 0) continue;  // an attempt failed at once (socket())

        if (r->decided) break;
        if (r->in_flight == 0 && next >= endpoints.size()) break;  // all failed
        const auto now = clock::now();
        if (now >= deadline) {
            result.timed_out = true;
            break;
        }
        const auto wake_at = next < endpoints.size() ? std::min(deadline, now + attempt_delay) : deadline;
        r->wake.expires_at(wake_at);
        std::error_code ec;
        co_await r->wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        delay_passed = !ec && clock::now() < deadline;
        if (!ec && !delay_passed && !r->decided) {
            result.timed_out = true;
            break;
        }
    }

    const bool won = r->winner >= 0;
    r->decided = true;  // attempts still running lose
    for (std::size_t i = 0; i < r->sockets.size(); ++i) {
        if (won && static_cast<int>(i) == r->winner) continue;
        net::traced_close(*r->sockets[i]);
    }
    if (won) {
        auto& s = *r->sockets[static_cast<std::size_t>(r->winner)];
        result.endpoint = endpoints[static_cast<std::size_t>(r->winner)];
        out = std::move(s);
        result.error.clear();
        result.timed_out = false;
    } else {
        result.error = result.timed_out ? std::make_error_code(std::errc::timed_out) : r->last_error;
        if (!result.error) result.error = asio::error::host_not_found;
    }
    co_return result;
}

}  // namespace netlab::client
