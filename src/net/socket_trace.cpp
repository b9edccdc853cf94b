#include "net/socket_trace.hpp"

#include "net/endpoint.hpp"

namespace netlab::net {
namespace {

template <class Socket>
std::uint64_t handle_of(const Socket& s) {
    return static_cast<std::uint64_t>(const_cast<Socket&>(s).native_handle());
}

}  // namespace

void trace_socket(platform::trace_step step, const asio::ip::tcp::socket& s, std::int64_t bytes,
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

void traced_close(asio::ip::tcp::socket& s) {
    if (!s.is_open()) return;
    trace_socket(platform::trace_step::close, s);
    std::error_code ignored;
    s.close(ignored);
}

}  // namespace netlab::net
