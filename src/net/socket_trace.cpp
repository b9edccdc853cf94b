#include "net/socket_trace.hpp"

#include "net/endpoint.hpp"

namespace netlab::net {
namespace {

template <class Socket>
std::uint64_t handle_of(const Socket& s) {
    return static_cast<std::uint64_t>(const_cast<Socket&>(s).native_handle());
}

}  // namespace

template <class Protocol, class Executor>
void trace_socket(platform::trace_step step, const asio::basic_socket<Protocol, Executor>& s, std::int64_t bytes,
                  const std::error_code& ec, std::string detail) {
    if (!platform::tracing_enabled() || !s.is_open()) return;
    platform::trace_record r;
    r.step = step;
    r.handle = handle_of(s);
    std::error_code ignored;
    if (const auto local = s.local_endpoint(ignored); !ignored) r.local = to_string(local);
    if (const auto remote = s.remote_endpoint(ignored); !ignored) r.remote = to_string(remote);
    r.bytes = bytes;
    r.error = ec;
    r.detail = std::move(detail);
    platform::emit_trace(r);
}

void trace_acceptor(platform::trace_step step, const asio::ip::tcp::acceptor& a, const std::error_code& ec,
                    std::string detail) {
    if (!platform::tracing_enabled() || !a.is_open()) return;
    platform::trace_record r;
    r.step = step;
    r.handle = handle_of(a);
    std::error_code ignored;
    if (const auto local = a.local_endpoint(ignored); !ignored) r.local = to_string(local);
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

using tcp_socket = asio::basic_socket<asio::ip::tcp>;
using udp_socket = asio::basic_socket<asio::ip::udp>;
template void trace_socket(platform::trace_step, const tcp_socket&, std::int64_t, const std::error_code&, std::string);
template void trace_socket(platform::trace_step, const udp_socket&, std::int64_t, const std::error_code&, std::string);
template void traced_close(tcp_socket&);
template void traced_close(udp_socket&);

}  // namespace netlab::net
