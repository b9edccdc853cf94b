// --trace records for calls the platform layer makes on asio sockets itself (batched
// datagrams, sendfile/TransmitFile): the OS handle and both addresses as the socket knows
// them, written as every other trace line writes them. Internal to platform/.
#pragma once

#include <asio/basic_socket.hpp>
#include <asio/ip/address.hpp>
#include <cstdint>
#include <string>
#include <system_error>

#include "netlab/platform/trace.hpp"

namespace netlab::platform::detail {

// "127.0.0.1:5000", "[::1]:5000"; IPv4-mapped shown as IPv4.
inline std::string endpoint_text(asio::ip::address a, unsigned short port) {
    if (a.is_v6() && a.to_v6().is_v4_mapped()) a = asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
    const std::string host = a.is_v6() ? "[" + a.to_string() + "]" : a.to_string();
    return host + ":" + std::to_string(port);
}

template <class Endpoint>
std::string endpoint_text(const Endpoint& ep) {
    return endpoint_text(ep.address(), ep.port());
}

template <class Protocol, class Executor>
trace_record socket_record(trace_step step, const asio::basic_socket<Protocol, Executor>& s, const std::error_code& ec) {
    trace_record r;
    r.step = step;
    r.handle = static_cast<std::uint64_t>(const_cast<asio::basic_socket<Protocol, Executor>&>(s).native_handle());
    r.error = ec;
    std::error_code ignored;
    if (const auto local = s.local_endpoint(ignored); !ignored) r.local = endpoint_text(local);
    if (const auto remote = s.remote_endpoint(ignored); !ignored) r.remote = endpoint_text(remote);
    return r;
}

}  // namespace netlab::platform::detail
