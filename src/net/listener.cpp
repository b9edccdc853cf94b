#include "net/listener.hpp"

#include <fmt/format.h>

#include <vector>

#include "net/endpoint.hpp"
#include "net/socket_trace.hpp"
#include "netlab/platform/error.hpp"
#include "netlab/platform/socket_options.hpp"

namespace netlab::net {
namespace {

void trace_step_of(platform::trace_step step, const asio::ip::tcp::acceptor& a, const std::error_code& ec,
                   std::string detail) {
    trace_acceptor(step, a, ec, std::move(detail));
}
void trace_step_of(platform::trace_step step, const asio::ip::udp::socket& s, const std::error_code& ec,
                   std::string detail) {
    trace_socket(step, s, -1, ec, std::move(detail));
}

// socket -> (address reuse) -> (dual-stack) -> bind, each step traced.
template <class Socket, class Endpoint>
std::error_code open_and_bind(Socket& s, const Endpoint& at, bool reuse_address) {
    using platform::trace_step;
    std::error_code ec;
    s.open(at.protocol(), ec);
    if (ec) return ec;
    trace_step_of(trace_step::socket, s, {}, socket_kind(at.protocol()));
    const auto handle = static_cast<platform::native_socket>(s.native_handle());
    if (reuse_address && (ec = platform::set_server_address_reuse(handle))) return ec;
    if (at.address().is_v6() && at.address().is_unspecified()) {
        if ((ec = platform::set_ipv6_only(handle, false))) return ec;
    }
    s.bind(at, ec);
    trace_step_of(trace_step::bind, s, ec, ec ? to_string(at) : std::string{});
    return ec;
}

}  // namespace

std::error_code open_on_listen_address(const std::string& bind,
                                       const std::function<std::error_code(const asio::ip::address&)>& open) {
    std::vector<asio::ip::address> candidates{asio::ip::address_v6::any(), asio::ip::address_v4::any()};
    if (!bind.empty()) {
        std::error_code ec;
        candidates = {asio::ip::make_address(bind == "localhost" ? "127.0.0.1" : bind, ec)};
        if (ec) return std::make_error_code(std::errc::invalid_argument);
    }
    std::error_code ec;
    for (const auto& address : candidates) {
        if (!(ec = open(address))) return ec;
        const auto kind = platform::classify(ec);
        // Only "no IPv6 here" moves on to the next candidate.
        if (kind == platform::error_kind::address_in_use || kind == platform::error_kind::access_denied) break;
    }
    return ec;
}

std::error_code open_listener(asio::ip::tcp::acceptor& acceptor, const asio::ip::tcp::endpoint& at, int backlog) {
    if (auto ec = open_and_bind(acceptor, at, true)) return ec;
    std::error_code ec;
    acceptor.listen(backlog, ec);
    trace_acceptor(platform::trace_step::listen, acceptor, ec, fmt::format("backlog {}", backlog));
    return ec;
}

std::error_code open_bound(asio::ip::udp::socket& socket, const asio::ip::udp::endpoint& at) {
    return open_and_bind(socket, at, false);
}

}  // namespace netlab::net
