#include "common/datagram_common.hpp"

#include <cstring>

namespace netlab::platform::detail {
namespace {

std::string count_text(std::uint64_t n) { return std::to_string(n) + (n == 1 ? " datagram" : " datagrams"); }

}  // namespace

asio::ip::udp::endpoint endpoint_from(const void* name, std::size_t length) {
    asio::ip::udp::endpoint ep;
    const std::size_t n = length > ep.capacity() ? ep.capacity() : length;
    std::memcpy(ep.data(), name, n);
    ep.resize(n);
    return ep;
}

asio::ip::address_v6 as_v6(const asio::ip::address& a) {
    return a.is_v4() ? asio::ip::make_address_v6(asio::ip::v4_mapped, a.to_v4()) : a.to_v6();
}

asio::ip::udp::endpoint destination_of(const std::optional<asio::ip::address>& reported, bool v6_socket,
                                       unsigned short local_port) {
    if (!reported) {
        return {v6_socket ? asio::ip::address(asio::ip::address_v6()) : asio::ip::address(asio::ip::address_v4()),
                local_port};
    }
    return {v6_socket ? asio::ip::address(as_v6(*reported)) : *reported, local_port};
}

void trace_receive(trace_step step, const asio::ip::udp::socket& s, std::span<const datagram> records,
                   std::size_t messages, const std::error_code& ec) {
    if (!tracing_enabled()) return;
    trace_record r = socket_record(step, s, ec);
    if (!records.empty()) {
        std::int64_t bytes = 0;
        bool one_source = true;
        for (const auto& d : records) {
            bytes += static_cast<std::int64_t>(d.bytes.size());
            one_source = one_source && d.source == records.front().source;
        }
        r.bytes = bytes;
        if (one_source && r.remote.empty()) r.remote = endpoint_text(records.front().source);
        r.detail = count_text(records.size());
        if (records.size() != messages) r.detail += " in " + std::to_string(messages) + " (GRO)";
    }
    emit_trace(r);
}

void trace_send(trace_step step, const asio::ip::udp::socket& s, const asio::ip::udp::endpoint* to,
                std::uint64_t datagrams, std::int64_t bytes, std::size_t segment, const std::error_code& ec) {
    if (!tracing_enabled()) return;
    trace_record r = socket_record(step, s, ec);
    if (to != nullptr && r.remote.empty()) r.remote = endpoint_text(*to);
    if (!ec) {
        r.bytes = bytes;
        r.detail = count_text(datagrams);
        if (segment > 0 && datagrams > 1) r.detail += ", GSO " + std::to_string(segment) + " bytes each";
    }
    emit_trace(r);
}

const asio::ip::udp::endpoint* common_destination(std::span<const outgoing> batch) {
    if (batch.empty() || batch.front().destination == nullptr) return nullptr;
    for (const auto& o : batch)
        if (o.destination == nullptr || *o.destination != *batch.front().destination) return nullptr;
    return batch.front().destination;
}

}  // namespace netlab::platform::detail
