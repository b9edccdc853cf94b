#include "net/socket_trace.hpp"

#include <fmt/format.h>

#include "net/endpoint.hpp"

namespace netlab::net {
namespace {

template <class Socket>
std::uint64_t handle_of(const Socket& s) {
    return static_cast<std::uint64_t>(const_cast<Socket&>(s).native_handle());
}

template <class Protocol, class Executor>
platform::trace_record socket_record(platform::trace_step step, const asio::basic_socket<Protocol, Executor>& s,
                                     std::int64_t bytes, const std::error_code& ec, std::string detail) {
    platform::trace_record r;
    r.step = step;
    r.handle = handle_of(s);
    std::error_code ignored;
    // An unbound socket's local address (0.0.0.0:0) says nothing: left out.
    if (const auto local = s.local_endpoint(ignored); !ignored && local.port() != 0) r.local = to_string(local);
    if (const auto remote = s.remote_endpoint(ignored); !ignored) r.remote = to_string(remote);
    r.bytes = bytes;
    r.error = ec;
    r.detail = std::move(detail);
    return r;
}

}  // namespace

template <class Protocol, class Executor>
void trace_socket(platform::trace_step step, const asio::basic_socket<Protocol, Executor>& s, std::int64_t bytes,
                  const std::error_code& ec, std::string detail) {
    if (!platform::tracing_enabled() || !s.is_open()) return;
    if (step == platform::trace_step::recv && ec == asio::error::eof)
        platform::emit_trace(socket_record(step, s, 0, {}, "peer closed (end of stream)"));
    else
        platform::emit_trace(socket_record(step, s, bytes, ec, std::move(detail)));
}

template <class Protocol, class Executor>
void trace_to(platform::trace_step step, const asio::basic_socket<Protocol, Executor>& s,
              const asio::ip::basic_endpoint<Protocol>& to, std::int64_t bytes, const std::error_code& ec,
              std::string detail) {
    if (!platform::tracing_enabled() || !s.is_open()) return;
    auto r = socket_record(step, s, bytes, ec, std::move(detail));
    r.remote = to_string(to);
    platform::emit_trace(r);
}

namespace {
std::string family_name(int family) { return family == asio::ip::tcp::v6().family() ? "AF_INET6" : "AF_INET"; }
}  // namespace

std::string socket_kind(const asio::ip::tcp& protocol) { return family_name(protocol.family()) + ", SOCK_STREAM"; }
std::string socket_kind(const asio::ip::udp& protocol) { return family_name(protocol.family()) + ", SOCK_DGRAM"; }

std::string attempt_text(int index, std::size_t attempts) {
    return attempts < 2 ? std::string{} : fmt::format(", Happy Eyeballs attempt {} of {}", index + 1, attempts);
}

void trace_resolve(const std::string& host, const std::vector<asio::ip::address>& found, const std::error_code& ec,
                   std::string_view how) {
    if (!platform::tracing_enabled()) return;
    platform::trace_record r;
    r.step = platform::trace_step::resolve;
    r.error = ec;
    std::string list;
    for (const auto& a : found) list += (list.empty() ? "" : ", ") + to_string(a);
    r.detail = fmt::format("{} -> {} ({})", host, list.empty() ? "nothing" : list, how);
    platform::emit_trace(r);
}

void set_no_delay(asio::ip::tcp::socket& s) {
    std::error_code ec;
    s.set_option(asio::ip::tcp::no_delay(true), ec);
    if (platform::tracing_enabled()) platform::emit_trace(socket_record(platform::trace_step::setsockopt, s, -1, ec, "TCP_NODELAY=1"));
}

void trace_acceptor(platform::trace_step step, const asio::ip::tcp::acceptor& a, const std::error_code& ec,
                    std::string detail) {
    if (!platform::tracing_enabled() || !a.is_open()) return;
    platform::trace_record r;
    r.step = step;
    r.handle = handle_of(a);
    std::error_code ignored;
    if (const auto local = a.local_endpoint(ignored); !ignored && local.port() != 0) r.local = to_string(local);
    r.error = ec;
    r.detail = std::move(detail);
    platform::emit_trace(r);
}

template <class Protocol, class Executor>
void traced_close(asio::basic_socket<Protocol, Executor>& s) {
    if (!s.is_open()) return;
    trace_socket(platform::trace_step::close, s);
    std::error_code ignored;
    s.close(ignored);
}

void traced_close(asio::ip::tcp::acceptor& a) {
    if (!a.is_open()) return;
    trace_acceptor(platform::trace_step::close, a);
    std::error_code ignored;
    a.close(ignored);
}

using tcp_socket = asio::basic_socket<asio::ip::tcp>;
using udp_socket = asio::basic_socket<asio::ip::udp>;
template void trace_socket(platform::trace_step, const tcp_socket&, std::int64_t, const std::error_code&, std::string);
template void trace_socket(platform::trace_step, const udp_socket&, std::int64_t, const std::error_code&, std::string);
template void trace_to(platform::trace_step, const tcp_socket&, const asio::ip::tcp::endpoint&, std::int64_t,
                       const std::error_code&, std::string);
template void trace_to(platform::trace_step, const udp_socket&, const asio::ip::udp::endpoint&, std::int64_t,
                       const std::error_code&, std::string);
template void traced_close(tcp_socket&);
template void traced_close(udp_socket&);

}  // namespace netlab::net
