// Datagrams on Windows: WSARecvMsg (an extension function, looked up once per socket) for
// the destination address and interface (IP_PKTINFO / IPV6_PKTINFO). The first datagram
// of a receive is an overlapped WSARecvMsg completed through the socket's IOCP (as
// send_file.cpp does for TransmitFile); whatever else is queued is then taken with
// non-blocking calls, up to the batch. Sends are WSASendMsg, one per datagram, with
// asio's async_wait when the socket has no room. No GSO/GRO here.
#include <winsock2.h>
#include <mswsock.h>
#include <ws2tcpip.h>
#include <windows.h>

#include <asio/async_result.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/windows/overlapped_ptr.hpp>
#include <chrono>
#include <cstring>
#include <optional>
#include <vector>

#include "common/datagram_common.hpp"
#include "netlab/platform/datagram.hpp"
#include "netlab/platform/socket_options.hpp"

namespace netlab::platform {
namespace {

using asio::ip::udp;

struct control_buffer {
    alignas(WSACMSGHDR) char bytes[256];
};

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// A UDP socket's WSAECONNRESET (and an overlapped ERROR_PORT_UNREACHABLE) is an ICMP
// port-unreachable: what POSIX calls ECONNREFUSED on a connected socket.
std::error_code datagram_error(int code) {
    if (code == WSAECONNRESET || code == ERROR_PORT_UNREACHABLE) code = WSAECONNREFUSED;
    return {code, std::system_category()};
}

bool truncation(int code) { return code == WSAEMSGSIZE || code == ERROR_MORE_DATA; }

LPFN_WSARECVMSG find_recvmsg(SOCKET s) {
    LPFN_WSARECVMSG fn = nullptr;
    GUID id = WSAID_WSARECVMSG;
    DWORD returned = 0;
    if (::WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &id, sizeof id, &fn, sizeof fn, &returned, nullptr,
                   nullptr) != 0)
        return nullptr;
    return fn;
}

// One overlapped WSARecvMsg, completed through the IOCP.
template <class Token>
auto async_recvmsg(udp::socket& socket, LPFN_WSARECVMSG fn, WSAMSG* msg, Token&& token) {
    return asio::async_initiate<Token, void(std::error_code, std::size_t)>(
        [&socket, fn, msg](auto handler) {
            asio::windows::overlapped_ptr op(socket.get_executor(), std::move(handler));
            DWORD got = 0;
            const int rc = fn(socket.native_handle(), msg, &got, op.get(), nullptr);
            const int err = ::WSAGetLastError();
            if (rc != 0 && err != WSA_IO_PENDING) op.complete(std::error_code(err, asio::system_category()), 0);
            else op.release();  // the completion arrives through the IOCP, even when immediate
        },
        token);
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Receiving

struct datagram_receiver::impl {
    impl(udp::socket& s, const receive_options& o) : socket(s), options(o) {}

    udp::socket& socket;
    receive_options options;
    LPFN_WSARECVMSG recvmsg = nullptr;
    std::vector<char> storage;
    std::vector<WSABUF> bufs;
    std::vector<sockaddr_storage> names;
    std::vector<control_buffer> controls;
    std::vector<WSAMSG> messages;
    std::vector<std::size_t> lengths;
    std::vector<bool> truncated;
    std::vector<datagram> records;
    bool v6 = false;
    unsigned short local_port = 0;

    void prepare(std::size_t i) {
        WSAMSG& m = messages[i];
        m = {};
        m.name = reinterpret_cast<LPSOCKADDR>(&names[i]);
        m.namelen = sizeof(sockaddr_storage);
        m.lpBuffers = &bufs[i];
        m.dwBufferCount = 1;
        m.Control.buf = controls[i].bytes;
        m.Control.len = sizeof controls[i].bytes;
    }

    // Non-blocking receives into messages [first, batch); the number taken.
    std::size_t drain(std::size_t first) {
        std::size_t n = first;
        while (n < messages.size()) {
            prepare(n);
            DWORD got = 0;
            const int rc = recvmsg(socket.native_handle(), &messages[n], &got, nullptr, nullptr);
            const int err = rc == 0 ? 0 : ::WSAGetLastError();
            if (rc != 0 && !truncation(err)) break;  // WSAEWOULDBLOCK, or an error the next call reports
            lengths[n] = got;
            truncated[n] = rc != 0 || (messages[n].dwFlags & MSG_TRUNC) != 0;
            ++n;
        }
        return n;
    }

    void decode(std::size_t n) {
        records.clear();
        const std::int64_t now = now_ns();
        for (std::size_t i = 0; i < n; ++i) {
            WSAMSG& m = messages[i];
            datagram d;
            d.source = detail::endpoint_from(&names[i], static_cast<std::size_t>(m.namelen));
            std::optional<asio::ip::address> dst;
            for (WSACMSGHDR* c = WSA_CMSG_FIRSTHDR(&m); c != nullptr; c = WSA_CMSG_NXTHDR(&m, c)) {
                if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
                    IN_PKTINFO pi;
                    std::memcpy(&pi, WSA_CMSG_DATA(c), sizeof pi);
                    dst = asio::ip::address_v4(ntohl(pi.ipi_addr.s_addr));
                    d.interface_index = pi.ipi_ifindex;
                } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
                    IN6_PKTINFO pi;
                    std::memcpy(&pi, WSA_CMSG_DATA(c), sizeof pi);
                    asio::ip::address_v6::bytes_type b;
                    std::memcpy(b.data(), &pi.ipi6_addr, b.size());
                    dst = asio::ip::address_v6(b);
                    d.interface_index = pi.ipi6_ifindex;
                }
            }
            d.destination = detail::destination_of(dst, v6, local_port);
            d.arrival_ns = now;
            d.truncated = truncated[i];
            d.bytes = std::as_bytes(std::span(bufs[i].buf, std::min(lengths[i], options.buffer_size)));
            records.push_back(d);
        }
    }
};

datagram_receiver::datagram_receiver(udp::socket& socket, const receive_options& options)
    : impl_(std::make_unique<impl>(socket, options)) {
    auto& d = *impl_;
    const std::size_t batch = options.batch == 0 ? 1 : options.batch;
    d.storage.resize(batch * options.buffer_size);
    d.bufs.resize(batch);
    d.names.resize(batch);
    d.controls.resize(batch);
    d.messages.resize(batch);
    d.lengths.resize(batch);
    d.truncated.resize(batch);
    d.records.reserve(batch);
    for (std::size_t i = 0; i < batch; ++i) {
        d.bufs[i].buf = d.storage.data() + i * options.buffer_size;
        d.bufs[i].len = static_cast<ULONG>(options.buffer_size);
    }
    d.recvmsg = find_recvmsg(socket.native_handle());
    std::error_code ec;
    const auto local = socket.local_endpoint(ec);
    d.local_port = local.port();
    d.v6 = local.address().is_v6();
    set_receive_destination_address(static_cast<native_socket>(socket.native_handle()), d.v6,
                                    d.v6 && local.address().is_unspecified());
    socket.native_non_blocking(true, ec);
}

datagram_receiver::~datagram_receiver() = default;

std::span<const datagram> datagram_receiver::received() const { return impl_->records; }

bool datagram_receiver::coalescing() const { return false; }

asio::awaitable<std::error_code> datagram_receiver::receive() {
    auto& d = *impl_;
    d.records.clear();
    if (d.recvmsg == nullptr) co_return std::make_error_code(std::errc::function_not_supported);
    d.prepare(0);
    std::error_code ec;
    const std::size_t got =
        co_await async_recvmsg(d.socket, d.recvmsg, &d.messages[0], asio::redirect_error(asio::use_awaitable, ec));
    if (ec && !truncation(ec.value())) {
        const auto err = ec == asio::error::operation_aborted ? ec : datagram_error(ec.value());
        detail::trace_receive(trace_step::recvfrom, d.socket, {}, 0, err);
        co_return err;
    }
    d.lengths[0] = got;
    d.truncated[0] = static_cast<bool>(ec) || (d.messages[0].dwFlags & MSG_TRUNC) != 0;
    const std::size_t n = d.drain(1);
    d.decode(n);
    detail::trace_receive(trace_step::recvfrom, d.socket, d.records, n, {});
    co_return std::error_code{};
}

// ---------------------------------------------------------------------------------------
// Sending

struct datagram_sender::impl {
    explicit impl(udp::socket& s) : socket(s) {
        std::error_code ec;
        v6 = socket.local_endpoint(ec).address().is_v6();
        s.native_non_blocking(true, ec);
    }
    udp::socket& socket;
    bool v6 = false;
    bool with_source = true;  // cleared if the OS refuses a source address
    control_buffer control{};

    // One WSASendMsg; 0 or the WSA error.
    int send_one(std::span<const std::byte> bytes, const outgoing& o) {
        WSABUF buf{static_cast<ULONG>(bytes.size()), const_cast<char*>(reinterpret_cast<const char*>(bytes.data()))};
        WSAMSG m{};
        if (o.destination != nullptr) {
            m.name = const_cast<LPSOCKADDR>(reinterpret_cast<const sockaddr*>(o.destination->data()));
            m.namelen = static_cast<INT>(o.destination->size());
        }
        m.lpBuffers = &buf;
        m.dwBufferCount = 1;
        if (o.source != nullptr && with_source) {
            m.Control.buf = control.bytes;
            m.Control.len = sizeof control.bytes;
            WSACMSGHDR* c = WSA_CMSG_FIRSTHDR(&m);
            if (v6) {
                IN6_PKTINFO pi{};
                const auto b = detail::as_v6(*o.source).to_bytes();
                std::memcpy(&pi.ipi6_addr, b.data(), b.size());
                c->cmsg_level = IPPROTO_IPV6;
                c->cmsg_type = IPV6_PKTINFO;
                c->cmsg_len = WSA_CMSG_LEN(sizeof pi);
                std::memcpy(WSA_CMSG_DATA(c), &pi, sizeof pi);
                m.Control.len = static_cast<ULONG>(WSA_CMSG_SPACE(sizeof pi));
            } else {
                IN_PKTINFO pi{};
                pi.ipi_addr.s_addr = htonl(o.source->to_v4().to_uint());
                c->cmsg_level = IPPROTO_IP;
                c->cmsg_type = IP_PKTINFO;
                c->cmsg_len = WSA_CMSG_LEN(sizeof pi);
                std::memcpy(WSA_CMSG_DATA(c), &pi, sizeof pi);
                m.Control.len = static_cast<ULONG>(WSA_CMSG_SPACE(sizeof pi));
            }
        }
        DWORD sent = 0;
        return ::WSASendMsg(socket.native_handle(), &m, 0, &sent, nullptr, nullptr) == 0 ? 0 : ::WSAGetLastError();
    }
};

datagram_sender::datagram_sender(udp::socket& socket, bool) : impl_(std::make_unique<impl>(socket)) {}

datagram_sender::~datagram_sender() = default;

std::size_t datagram_sender::max_segments() const { return 1; }

asio::awaitable<send_result> datagram_sender::send(std::span<const outgoing> batch) {
    auto& d = *impl_;
    send_result result;
    std::int64_t bytes = 0;
    for (const auto& o : batch) {
        const std::size_t seg = o.segment_size > 0 ? o.segment_size : o.bytes.size();
        for (std::size_t off = 0; off < o.bytes.size() || (off == 0 && o.bytes.empty());) {
            const auto piece = o.bytes.subspan(off, std::min(seg, o.bytes.size() - off));
            const int err = d.send_one(piece, o);
            if (err == 0) {
                ++result.datagrams;
                ++result.calls;
                bytes += static_cast<std::int64_t>(piece.size());
                off += piece.size();
                if (piece.empty()) break;
                continue;
            }
            if (err == WSAEWOULDBLOCK) {
                std::error_code ec;
                co_await d.socket.async_wait(asio::socket_base::wait_write, asio::redirect_error(asio::use_awaitable, ec));
                if (ec) {
                    result.error = ec;
                    co_return result;
                }
                continue;
            }
            if (err == WSAEINVAL && o.source != nullptr && d.with_source) {
                d.with_source = false;  // the OS will not take a source address: let it choose
                continue;
            }
            result.error = datagram_error(err);
            detail::trace_send(trace_step::sendto, d.socket, o.destination, result.datagrams, bytes, 0, result.error);
            co_return result;
        }
    }
    detail::trace_send(trace_step::sendto, d.socket, detail::common_destination(batch), result.datagrams, bytes, 0, {});
    co_return result;
}

}  // namespace netlab::platform
