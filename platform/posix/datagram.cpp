// Datagrams on POSIX: recvmmsg/sendmmsg where they exist (Linux; MSG_WAITFORONE marks
// them), recvmsg/sendmsg in a loop elsewhere; each call non-blocking, with asio's
// async_wait between calls when the socket has nothing (or no room). Control messages
// carry the destination address (IP_PKTINFO, IPV6_PKTINFO, IP_RECVDSTADDR), the kernel's
// arrival stamp (SO_TIMESTAMPNS), and GSO/GRO segment sizes (UDP_SEGMENT, UDP_GRO).
#define __APPLE_USE_RFC_3542  // NOLINT(bugprone-reserved-identifier): Apple's switch for IPV6_RECVPKTINFO and IPV6_PKTINFO
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <vector>

#include "common/datagram_common.hpp"
#include "netlab/platform/datagram.hpp"
#include "netlab/platform/socket_options.hpp"
#include "netlab/platform/trace.hpp"

namespace netlab::platform {
namespace {

using asio::ip::udp;

#if defined(MSG_WAITFORONE)
using message = ::mmsghdr;
msghdr& header(message& m) { return m.msg_hdr; }
constexpr trace_step receive_step = trace_step::recvmmsg;
constexpr trace_step send_step = trace_step::sendmmsg;
#else
using message = ::msghdr;
msghdr& header(message& m) { return m; }
constexpr trace_step receive_step = trace_step::recvfrom;
constexpr trace_step send_step = trace_step::sendto;
#endif

// Room for every control message we ask for: two packet-info records, a GRO size and a
// timestamp, each with its header and padding.
struct control_buffer {
    alignas(cmsghdr) std::byte bytes[256];
};

// Appends one control message to a message being built (its buffer has room for all we add).
template <class T>
void put_control(msghdr& h, cmsghdr*& c, std::size_t& used, int level, int type, const T& value) {
    c = used == 0 ? CMSG_FIRSTHDR(&h) : CMSG_NXTHDR(&h, c);
    c->cmsg_level = level;
    c->cmsg_type = type;
    c->cmsg_len = CMSG_LEN(sizeof value);
    std::memcpy(CMSG_DATA(c), &value, sizeof value);
    used += CMSG_SPACE(sizeof value);
}

// GSO: segments per call (the kernel's UDP_MAX_SEGMENTS is 64 on older kernels) and
// bytes per call (one IP packet's worth).
constexpr std::size_t gso_max_segments = 64;
constexpr std::size_t gso_max_bytes = 65000;

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

bool would_block(int err) { return err == EAGAIN || err == EWOULDBLOCK; }

// What the control messages of one received message say.
struct control_info {
    std::optional<asio::ip::address> destination;
    unsigned interface_index = 0;
    std::size_t segment_size = 0;  // GRO: the size of each coalesced datagram
    std::int64_t stamp_ns = 0;
};

control_info read_control(msghdr& h) {
    control_info info;
    for (cmsghdr* c = CMSG_FIRSTHDR(&h); c != nullptr; c = CMSG_NXTHDR(&h, c)) {
        const unsigned char* data = CMSG_DATA(c);
        if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
            in6_pktinfo pi;
            std::memcpy(&pi, data, sizeof pi);
            asio::ip::address_v6::bytes_type b;
            std::memcpy(b.data(), &pi.ipi6_addr, b.size());
            info.destination = asio::ip::address_v6(b);
            info.interface_index = pi.ipi6_ifindex;
        }
#if defined(IP_RECVDSTADDR)
        else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVDSTADDR) {
            in_addr a;
            std::memcpy(&a, data, sizeof a);
            info.destination = asio::ip::address_v4(ntohl(a.s_addr));
        }
#elif defined(IP_PKTINFO)
        else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
            in_pktinfo pi;
            std::memcpy(&pi, data, sizeof pi);
            info.destination = asio::ip::address_v4(ntohl(pi.ipi_addr.s_addr));
            info.interface_index = static_cast<unsigned>(pi.ipi_ifindex);
        }
#endif
#if defined(UDP_GRO)
        else if (c->cmsg_level == IPPROTO_UDP && c->cmsg_type == UDP_GRO) {
            int size = 0;
            std::memcpy(&size, data, sizeof size);
            if (size > 0) info.segment_size = static_cast<std::size_t>(size);
        }
#endif
#if defined(SO_TIMESTAMPNS)
        else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
            timespec ts;
            std::memcpy(&ts, data, sizeof ts);
            info.stamp_ns = static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
        }
#endif
    }
    return info;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Receiving

struct datagram_receiver::impl {
    impl(udp::socket& s, const receive_options& o) : socket(s), options(o) {}

    udp::socket& socket;
    receive_options options;
    std::vector<std::byte> storage;
    std::vector<iovec> iov;
    std::vector<sockaddr_storage> names;
    std::vector<control_buffer> controls;
    std::vector<message> messages;
    std::vector<std::size_t> lengths;
    std::vector<datagram> records;
    bool coalescing = false;
    bool v6 = false;
    unsigned short local_port = 0;

    void prepare(std::size_t i) {
        msghdr& h = header(messages[i]);
        h.msg_name = &names[i];
        h.msg_namelen = sizeof(sockaddr_storage);
        h.msg_iov = &iov[i];
        h.msg_iovlen = 1;
        h.msg_control = controls[i].bytes;
        h.msg_controllen = sizeof controls[i].bytes;
        h.msg_flags = 0;
    }

    // Takes what is queued without waiting; 0 with `ec` set when nothing could be read.
    std::size_t receive_now(std::error_code& ec) {
        const int fd = socket.native_handle();
        const std::size_t batch = messages.size();
#if defined(MSG_WAITFORONE)
        for (std::size_t i = 0; i < batch; ++i) prepare(i);
        for (;;) {
            const int n = ::recvmmsg(fd, messages.data(), static_cast<unsigned>(batch), MSG_DONTWAIT, nullptr);
            if (n >= 0) {
                for (int i = 0; i < n; ++i) lengths[static_cast<std::size_t>(i)] = messages[static_cast<std::size_t>(i)].msg_len;
                return static_cast<std::size_t>(n);
            }
            if (errno != EINTR) break;
        }
        ec.assign(errno, std::system_category());
        return 0;
#else
        std::size_t n = 0;
        while (n < batch) {
            prepare(n);
            const ssize_t got = ::recvmsg(fd, &messages[n], MSG_DONTWAIT);
            if (got >= 0) {
                lengths[n++] = static_cast<std::size_t>(got);
                continue;
            }
            if (errno == EINTR) continue;
            if (n == 0) ec.assign(errno, std::system_category());
            break;  // an error after some datagrams comes again on the next call
        }
        return n;
#endif
    }

    void decode(std::size_t n) {
        records.clear();
        const std::int64_t now = now_ns();
        for (std::size_t i = 0; i < n; ++i) {
            msghdr& h = header(messages[i]);
            const control_info info = read_control(h);
            datagram d;
            d.source = detail::endpoint_from(&names[i], h.msg_namelen);
            d.destination = detail::destination_of(info.destination, v6, local_port);
            d.interface_index = info.interface_index;
            d.arrival_ns = info.stamp_ns != 0 ? info.stamp_ns : now;
            d.truncated = (h.msg_flags & MSG_TRUNC) != 0;
            const std::size_t len = std::min(lengths[i], options.buffer_size);
            const std::byte* base = storage.data() + i * options.buffer_size;
            const std::size_t seg = info.segment_size;
            if (seg == 0 || len <= seg) {
                d.bytes = {base, len};
                records.push_back(d);
                continue;
            }
            for (std::size_t off = 0; off < len; off += seg) {
                d.bytes = {base + off, std::min(seg, len - off)};
                records.push_back(d);
            }
        }
    }
};

datagram_receiver::datagram_receiver(udp::socket& socket, const receive_options& options)
    : impl_(std::make_unique<impl>(socket, options)) {
    auto& d = *impl_;
    const std::size_t batch = options.batch == 0 ? 1 : options.batch;
    d.storage.resize(batch * options.buffer_size);
    d.iov.resize(batch);
    d.names.resize(batch);
    d.controls.resize(batch);
    d.messages.resize(batch);
    d.lengths.resize(batch);
    d.records.reserve(batch);
    for (std::size_t i = 0; i < batch; ++i) {
        d.iov[i].iov_base = d.storage.data() + i * options.buffer_size;
        d.iov[i].iov_len = options.buffer_size;
    }
    std::error_code ec;
    const auto local = socket.local_endpoint(ec);
    d.local_port = local.port();
    d.v6 = local.address().is_v6();
    const auto handle = static_cast<native_socket>(socket.native_handle());
    const bool dual_stack = d.v6 && local.address().is_unspecified();
    set_receive_destination_address(handle, d.v6, dual_stack);
    set_receive_timestamps(handle);
    // A coalesced group needs a whole buffer of room; small buffers do without.
    if (options.coalesce && options.buffer_size >= 65536) d.coalescing = !set_receive_coalescing(handle);
    socket.native_non_blocking(true, ec);
}

datagram_receiver::~datagram_receiver() = default;

std::span<const datagram> datagram_receiver::received() const { return impl_->records; }

bool datagram_receiver::coalescing() const { return impl_->coalescing; }

asio::awaitable<std::error_code> datagram_receiver::receive() {
    auto& d = *impl_;
    for (;;) {
        std::error_code ec;
        const std::size_t n = d.receive_now(ec);
        if (n > 0) {
            d.decode(n);
            detail::trace_receive(receive_step, d.socket, d.records, n, {});
            co_return std::error_code{};
        }
        if (!would_block(ec.value())) {
            d.records.clear();
            detail::trace_receive(receive_step, d.socket, {}, 0, ec);
            co_return ec;
        }
        co_await d.socket.async_wait(asio::socket_base::wait_read, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return ec;
    }
}

// ---------------------------------------------------------------------------------------
// Sending

namespace {

// Where one prepared message came from, to send it again differently after a fallback.
struct origin {
    std::size_t item = 0;    // index in the batch
    std::size_t offset = 0;  // byte offset in that item
    std::size_t datagrams = 0;
};

}  // namespace

struct datagram_sender::impl {
    impl(udp::socket& s, bool segmentation) : socket(s) {
        segment = segmentation && send_segmentation_supported(static_cast<native_socket>(s.native_handle()));
        v6 = [&] {
            std::error_code ec;
            const auto local = s.local_endpoint(ec);
            return !ec && local.address().is_v6();
        }();
        iov.resize(capacity);
        controls.resize(capacity);
        messages.resize(capacity);
        origins.resize(capacity);
        std::error_code ec;
        s.native_non_blocking(true, ec);
    }

    static constexpr std::size_t capacity = 64;  // messages per system call
    udp::socket& socket;
    bool segment = false;
    bool with_source = true;  // cleared if the OS refuses a source address on send
    bool v6 = false;
    std::vector<iovec> iov;
    std::vector<control_buffer> controls;
    std::vector<message> messages;
    std::vector<origin> origins;

    // Fills message `i` with `bytes` (`seg` > 0: several datagrams of that size).
    void fill(std::size_t i, const outgoing& o, std::span<const std::byte> bytes, std::size_t seg) {
        msghdr& h = header(messages[i]);
        std::memset(&h, 0, sizeof h);
        iov[i].iov_base = const_cast<std::byte*>(bytes.data());
        iov[i].iov_len = bytes.size();
        h.msg_iov = &iov[i];
        h.msg_iovlen = 1;
        if (o.destination != nullptr) {
            h.msg_name = const_cast<void*>(static_cast<const void*>(o.destination->data()));
            h.msg_namelen = static_cast<socklen_t>(o.destination->size());
        }
        h.msg_control = controls[i].bytes;
        h.msg_controllen = sizeof controls[i].bytes;
        std::size_t used = 0;
        cmsghdr* c = nullptr;
        if (o.source != nullptr && with_source) add_source(h, c, *o.source, used);
#if defined(UDP_SEGMENT)
        if (seg > 0 && bytes.size() > seg) put_control(h, c, used, IPPROTO_UDP, UDP_SEGMENT, static_cast<std::uint16_t>(seg));
#else
        (void)seg;
#endif
        h.msg_controllen = static_cast<decltype(h.msg_controllen)>(used);
        if (used == 0) h.msg_control = nullptr;
    }

    // A packet-info record naming the source address, where the OS takes one.
    void add_source(msghdr& h, cmsghdr*& c, const asio::ip::address& source, std::size_t& used) const {
        if (v6) {
            in6_pktinfo pi{};
            const auto b = detail::as_v6(source).to_bytes();
            std::memcpy(&pi.ipi6_addr, b.data(), b.size());
            put_control(h, c, used, IPPROTO_IPV6, IPV6_PKTINFO, pi);
            return;
        }
        if (!source.is_v4()) return;
        const in_addr a{htonl(source.to_v4().to_uint())};
#if defined(IP_SENDSRCADDR)
        put_control(h, c, used, IPPROTO_IP, IP_SENDSRCADDR, a);
#elif defined(IP_PKTINFO)
        in_pktinfo pi{};
        pi.ipi_spec_dst = a;
        put_control(h, c, used, IPPROTO_IP, IP_PKTINFO, pi);
#else
        (void)a;
#endif
    }

    // One system call for messages [first, first + count); the number sent, or -1.
    int send_now(std::size_t first, std::size_t count) {
        const int fd = socket.native_handle();
#if defined(MSG_WAITFORONE)
        return ::sendmmsg(fd, &messages[first], static_cast<unsigned>(count), MSG_DONTWAIT);
#else
        (void)count;
        return ::sendmsg(fd, &messages[first], MSG_DONTWAIT) < 0 ? -1 : 1;
#endif
    }
};

datagram_sender::datagram_sender(udp::socket& socket, bool segmentation)
    : impl_(std::make_unique<impl>(socket, segmentation)) {}

datagram_sender::~datagram_sender() = default;

std::size_t datagram_sender::max_segments() const { return impl_->segment ? gso_max_segments : 1; }

asio::awaitable<send_result> datagram_sender::send(std::span<const outgoing> batch) {
    auto& d = *impl_;
    send_result result;
    std::size_t item = 0, offset = 0;  // the next bytes to prepare
    while (item < batch.size()) {
        // Prepare up to `capacity` messages from where we are.
        std::size_t count = 0;
        while (count < impl::capacity && item < batch.size()) {
            const outgoing& o = batch[item];
            const std::size_t seg = o.segment_size;
            std::size_t take = o.bytes.size() - offset;
            std::size_t datagrams = 1;
            if (seg > 0 && take > seg) {
                const std::size_t per_call = d.segment ? std::min(gso_max_segments, std::max<std::size_t>(1, gso_max_bytes / seg)) : 1;
                take = std::min(take, per_call * seg);
                datagrams = (take + seg - 1) / seg;
            }
            d.fill(count, o, o.bytes.subspan(offset, take), d.segment ? seg : 0);
            d.origins[count] = {item, offset, datagrams};
            ++count;
            offset += take;
            if (offset >= o.bytes.size()) {
                ++item;
                offset = 0;
            }
        }
        // Send them, waiting for room as needed.
        std::size_t done = 0;
        bool prepare_again = false;
        while (done < count) {
            const int n = d.send_now(done, count - done);
            if (n > 0) {
                std::uint64_t datagrams = 0;
                std::int64_t bytes = 0;
                for (std::size_t i = done; i < done + static_cast<std::size_t>(n); ++i) {
                    datagrams += d.origins[i].datagrams;
                    bytes += static_cast<std::int64_t>(d.iov[i].iov_len);
                }
                result.datagrams += datagrams;
                ++result.calls;
                if (tracing_enabled()) {
                    const std::size_t first = d.origins[done].item, last = d.origins[done + static_cast<std::size_t>(n) - 1].item;
                    detail::trace_send(send_step, d.socket, detail::common_destination(batch.subspan(first, last - first + 1)),
                                       datagrams, bytes, d.segment ? batch[first].segment_size : 0, {});
                }
                done += static_cast<std::size_t>(n);
                continue;
            }
            const int err = errno;
            if (err == EINTR) continue;
            if (would_block(err)) {
                std::error_code ec;
                co_await d.socket.async_wait(asio::socket_base::wait_write, asio::redirect_error(asio::use_awaitable, ec));
                if (ec) {
                    result.error = ec;
                    co_return result;
                }
                continue;
            }
            // EIO/EINVAL: the device cannot segment, or the OS will not take a source
            // address; switch that off for good and send these datagrams again.
            const bool segmented = d.segment && d.origins[done].datagrams > 1;
            const bool sourced = d.with_source && batch[d.origins[done].item].source != nullptr;
            if ((err == EIO || err == EINVAL) && (segmented || sourced)) {
                if (segmented) d.segment = false;
                else d.with_source = false;
                item = d.origins[done].item;
                offset = d.origins[done].offset;
                prepare_again = true;
                break;
            }
            result.error.assign(err, std::system_category());
            detail::trace_send(send_step, d.socket, batch[d.origins[done].item].destination, 0, 0, 0, result.error);
            co_return result;
        }
        if (prepare_again) continue;
    }
    co_return result;
}

}  // namespace netlab::platform
