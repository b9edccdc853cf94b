#include "net/listener.hpp"

#include <fmt/format.h>

#include "net/endpoint.hpp"
#include "net/socket_trace.hpp"
#include "netlab/platform/socket_options.hpp"

namespace netlab::net {

std::error_code open_listener(asio::ip::tcp::acceptor& acceptor, const asio::ip::tcp::endpoint& at, int backlog) {
    using platform::trace_step;
    std::error_code ec;
    acceptor.open(at.protocol(), ec);
    if (ec) return ec;
    trace_acceptor(trace_step::socket, acceptor, {}, at.address().is_v6() ? "AF_INET6, SOCK_STREAM" : "AF_INET, SOCK_STREAM");
    const auto handle = static_cast<platform::native_socket>(acceptor.native_handle());
    if ((ec = platform::set_server_address_reuse(handle))) return ec;
    if (at.address().is_v6() && at.address().is_unspecified()) {
        if ((ec = platform::set_ipv6_only(handle, false))) return ec;
    }
    acceptor.bind(at, ec);
    trace_acceptor(trace_step::bind, acceptor, ec, ec ? to_string(at) : std::string{});
    if (ec) return ec;
    acceptor.listen(backlog, ec);
    trace_acceptor(trace_step::listen, acceptor, ec, fmt::format("backlog {}", backlog));
    return ec;
}

}  // namespace netlab::net
