#include "demux/narration.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <set>

#include "netlab/platform/error.hpp"

namespace netlab::demux {
namespace {

std::string port_text(const demo_facts& f) { return f.port != 0 ? std::to_string(f.port) : "P"; }

std::string quoted(const std::string& bytes) {
    // Our own greetings, but a datagram from anyone may reach the UDP socket: whatever
    // is not printable ASCII is shown as \xHH, never sent to the terminal raw.
    std::string out = "\"";
    for (const char byte : bytes) {
        const auto ch = static_cast<unsigned char>(byte);
        if (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\') out += static_cast<char>(ch);
        else out += fmt::format("\\x{:02x}", ch);
    }
    return out + "\"";
}

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
    return fmt::format("{} {}", n, n == 1 ? one : many);
}

// The arrivals grouped by source endpoint, in the order each source was first seen.
struct source_rows {
    std::string src;
    const arrival* first;
    std::size_t count;
};
std::vector<source_rows> by_source(const std::vector<arrival>& arrivals) {
    std::vector<source_rows> out;
    for (const auto& a : arrivals) {
        const auto it = std::find_if(out.begin(), out.end(), [&](const source_rows& r) { return r.src == a.src; });
        if (it != out.end()) ++it->count;
        else out.push_back({a.src, &a, 1});
    }
    return out;
}

std::string handles(const half& h) {
    std::string out;
    for (const auto& s : h.sockets)
        if (!s.listener) out += (out.empty() ? "" : ", ") + std::to_string(s.socket);
    return out;
}

}  // namespace

step_info step_text(unsigned number, std::optional<protocol> p, const demo_facts& f) {
    const std::string port = port_text(f);
    const std::string who = f.distinct_addresses
                                ? fmt::format("from 127.0.0.2 ... 127.0.0.{}, each with a port the OS picks", f.clients + 1)
                                : "all from 127.0.0.1, each with a port the OS picks";
    step_info s{number, p, "", ""};
    switch (number) {
        case 1:
            s.title = "Two servers, one port number";
            s.text = fmt::format(
                "A TCP listener and a UDP socket bind the same port, {} on 127.0.0.1. Both succeed: TCP and UDP keep "
                "separate tables of ports.",
                f.port != 0 ? std::to_string(f.port) : "a free one");
            break;
        case 2:
            s.title = "UDP: every client sends one datagram";
            s.text = fmt::format("{} UDP clients, {}, send one datagram each to 127.0.0.1:{}.", f.clients, who, port);
            break;
        case 3:
            s.title = "UDP: one socket receives them all";
            s.text = "UDP hands a datagram to the socket bound to its destination address and port, whoever sent it. "
                     "The server calls recvfrom on its one socket; each call says who sent that datagram.";
            break;
        case 4:
            s.title = "TCP: every client connects";
            s.text = fmt::format(
                "{} TCP clients, {}, connect to 127.0.0.1:{}. {}The kernel completes each handshake; the connections "
                "wait in the listener's queue.",
                f.clients, who, port,
                f.distinct_addresses ? "Client 2 binds the same source port as client 1, from another address. " : "");
            break;
        case 5:
            s.title = "TCP: accept gives each connection a socket of its own";
            s.text = "Each accept on the listener returns a new socket for one connection, named by its 4-tuple: "
                     "source address, source port, destination address, destination port.";
            break;
        case 6:
            s.title = "TCP: each client's bytes arrive in its own socket";
            s.text = "Each client sends; TCP hands a segment to the socket whose 4-tuple matches it, so the server "
                     "reads each client's bytes from that client's socket only.";
            break;
        default:
            s.title = "Close";
            s.text = "The clients close first; each connection's recv then returns 0 (the peer closed) and the server "
                     "closes it; then the listener and the UDP sockets close.";
            break;
    }
    return s;
}

std::string owner_text(const call& c) {
    if (c.client != 0 && !c.server) return fmt::format("client {}", c.client);
    return "server";
}

std::string call_text(const call& c) {
    using platform::trace_step;
    const std::string name(platform::step_name(c.step));
    const std::string fd = std::to_string(c.socket);
    std::string args, result = c.bytes >= 0 ? std::to_string(c.bytes) : "0", tail;
    switch (c.step) {
        case trace_step::socket:
            args = c.detail;
            result = fd;
            break;
        case trace_step::bind:
            args = fd + ", " + c.requested;
            if (!c.error && c.requested.ends_with(":0")) tail = fmt::format(": the OS chose {}", c.server ? c.dst : c.src);
            break;
        case trace_step::listen:
        case trace_step::setsockopt:
            args = fd + ", " + c.detail;
            break;
        case trace_step::connect:
            args = fd + ", " + c.dst;
            if (!c.error) tail = fmt::format(": from {}", c.src);
            break;
        case trace_step::accept:
            args = std::to_string(c.listener);
            result = fd;
            tail = fmt::format(": {} -> {}", c.src, c.dst);
            break;
        case trace_step::sendto:
            args = fmt::format("{}, {}, {}", fd, quoted(c.payload), c.dst);
            break;
        case trace_step::send:
            args = fmt::format("{}, {}", fd, quoted(c.payload));
            break;
        case trace_step::recvfrom:
            args = fd;
            tail = fmt::format(" from {} to {}: {}", c.src, c.dst, quoted(c.payload));
            break;
        case trace_step::recv:
            args = fd;
            tail = c.bytes == 0 ? ": the peer closed (end of stream)" : ": " + quoted(c.payload);
            break;
        default:
            args = fd;
            break;
    }
    if (c.error) return fmt::format("{}({}) = -1: {}", name, args, platform::describe(c.error));
    return fmt::format("{}({}) = {}{}", name, args, result, tail);
}

std::string header_text(const udp::udp_header& h) {
    return fmt::format("UDP header: source port {} | destination port {} | length {} | checksum {}", h.source_port,
                       h.destination_port, h.length, h.checksum_known ? fmt::format("0x{:04x}", h.checksum) : "unknown");
}

std::vector<picture_line> picture(const half& h) {
    struct box {
        std::uint64_t socket;
        std::string title;
        std::vector<std::pair<std::string, unsigned>> rows;  // text, client (0: not a client's row)
    };
    std::vector<box> boxes;
    for (const auto& s : h.sockets) {
        box b{s.socket, "", {}};
        if (h.proto == protocol::udp) b.title = fmt::format("UDP socket {}, bound to {}", s.socket, s.local);
        else if (s.listener) b.title = fmt::format("TCP listener {}, {}", s.socket, s.local);
        else b.title = fmt::format("TCP socket {}, {} <-> {}", s.socket, s.remote, s.local);
        // A row per source: what one sender sent more than once is one row, counted.
        for (const auto& row : by_source(s.arrivals)) {
            const arrival& first = *row.first;
            const std::string who = first.client != 0 ? fmt::format("client {}", first.client) : "not ours";
            std::string text = fmt::format("<-- {:<9} {:<16} {}", who, row.src, quoted(first.payload));
            if (row.count > 1)
                text += " and " + (h.proto == protocol::udp ? plural(row.count - 1, "more datagram", "more datagrams")
                                                            : plural(row.count - 1, "more message", "more messages"));
            b.rows.emplace_back(std::move(text), first.client);
        }
        if (s.listener) b.rows.emplace_back("accepts connections; no data passes through it", 0);
        boxes.push_back(std::move(b));
    }
    std::size_t width = 0;  // inside the frame
    for (const auto& b : boxes) {
        width = std::max(width, b.title.size() + 3);
        for (const auto& r : b.rows) width = std::max(width, r.first.size() + 2);
    }
    std::vector<picture_line> out;
    const auto n = count_arrivals(h);
    const std::size_t data_sockets = static_cast<std::size_t>(
        std::count_if(h.sockets.begin(), h.sockets.end(), [](const server_socket& s) { return !s.listener; }));
    out.push_back({{fmt::format("{}: {} from {} arrived in {}", h.proto == protocol::udp ? "UDP" : "TCP",
                                plural(n.arrivals, h.proto == protocol::udp ? "datagram" : "message",
                                       h.proto == protocol::udp ? "datagrams" : "messages"),
                                plural(n.sources, "source", "sources"), plural(data_sockets, "socket", "sockets")),
                    tone::title}});
    for (const auto& b : boxes) {
        out.push_back({{"+- ", tone::frame}, {b.title, tone::title},
                       {" " + std::string(width - b.title.size() - 3, '-') + "+", tone::frame}});
        for (const auto& [text, client] : b.rows)
            out.push_back({{"| ", tone::frame},
                           {text, client != 0 ? tone::client : tone::quiet, client},
                           {std::string(width - text.size() - 1, ' ') + "|", tone::frame}});
        out.push_back({{"+" + std::string(width, '-') + "+", tone::frame}});
    }
    return out;
}

half_count count_arrivals(const half& h) {
    half_count n;
    std::set<std::string> sources;
    for (const auto& s : h.sockets) {
        for (const auto& a : s.arrivals) {
            sources.insert(a.src);
            if (a.client == 0) ++n.foreign;
        }
        n.arrivals += s.arrivals.size();
    }
    n.sources = sources.size();
    return n;
}

std::string closing_text(const outcome& o, unsigned clients) {
    std::string listener;
    for (const auto& s : o.tcp.sockets)
        if (s.listener) listener = std::to_string(s.socket);
    const std::uint64_t udp_socket = o.udp.sockets.empty() ? 0 : o.udp.sockets.front().socket;
    const auto udp = count_arrivals(o.udp);
    const std::string others =
        udp.foreign == 0 ? std::string()
                         : fmt::format(" ({} of them from senders outside this demo: anyone may send to a UDP port)",
                                       udp.foreign);
    std::string text = fmt::format(
        "What this showed: both servers had port {} at once, because TCP and UDP number their ports separately.\n"
        "UDP demultiplexes by destination address and port only: {} from {} different sources all arrived "
        "in socket {}{}, and recvfrom told them apart by their source.\n"
        "TCP demultiplexes by the whole 4-tuple: accept gave each of the {} connections a socket of its own ({}), and "
        "each client's bytes arrived in its own socket only",
        o.port, plural(udp.arrivals, "datagram", "datagrams"), udp.sources, udp_socket, others, clients,
        handles(o.tcp));
    if (o.shared_source_port != 0)
        text += fmt::format(", even clients 1 and 2, which both sent from port {} (on 127.0.0.2 and 127.0.0.3)",
                            o.shared_source_port);
    else if (!o.distinct_addresses)
        text += " (all from 127.0.0.1 here, so told apart by source port; this OS could not bind 127.0.0.2)";
    text += fmt::format(".\nThe listener ({}) only accepts: no data passes through it.", listener);
    return text;
}

}  // namespace netlab::demux
