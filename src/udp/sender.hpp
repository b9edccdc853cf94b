// udp-send's engine: resolves the host, opens a socket connected to it (so an ICMP
// port-unreachable comes back as "refused"), then one of four modes:
//   message  the message, --count times at --interval; replies shown until --timeout of quiet
//   lines    one datagram per line read (stdin), replies likewise
//   ping     numbered requests at --interval, each reply matched: fresh, late, duplicate
//   probe    a measuring stream at --rate for --count or --duration, then the closing
//            handshake that brings back the listener's report
// Reports through send_events; never prints.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "net/resolve.hpp"
#include "netlab/platform/datagram.hpp"
#include "udp/ping_stats.hpp"
#include "udp/probe.hpp"
#include "udp/trust.hpp"

namespace netlab::udp {

enum class send_mode { message, lines, ping, probe };

struct send_config {
    std::string host;
    std::uint16_t port = 0;
    net::ip_family family = net::ip_family::any;
    std::string bind_address;      // "": any
    std::uint16_t source_port = 0;  // 0: the OS picks one
    send_mode mode = send_mode::message;
    std::string message;
    // lines: the next line without its newline, nullopt at the end; at most
    // max_line_read bytes of it (a line cut there is longer than any datagram and
    // refused). Called on a thread of its own, since it may block (a terminal).
    std::function<std::optional<std::string>()> next_line;
    std::uint64_t count = 1;  // message repeats; ping requests (0: until Ctrl-C); probe datagrams (0: --duration)
    std::chrono::nanoseconds interval{0};
    std::size_t size = 64;  // ping and probe datagrams, header included
    double rate = 1000;     // probe datagrams per second; 0: as fast as possible
    std::chrono::nanoseconds duration{std::chrono::seconds(10)};
    // message, lines: quiet time after the last datagram before stopping; ping: how long
    // a reply may take; probe: how long to repeat the fin for the listener's report.
    std::chrono::nanoseconds timeout{std::chrono::seconds(1)};
    bool offload = true;  // probe: let the kernel segment (UDP GSO) where it can
};

// Probe datagrams carry at least the header.
inline constexpr std::size_t min_probe_size = probe::header_size;
// A stdin line is read up to this many bytes, one more than any datagram holds: a line
// that long is refused without the rest of it ever being held in memory.
inline constexpr std::size_t max_line_read = platform::max_udp_payload_v6 + 1;
// --rate: 0 (as fast as possible) or within these bounds, so that k / rate stays a
// time the clock can hold and the loop's sleeps are real sleeps.
inline constexpr double min_rate = 0.001;
inline constexpr double max_rate = 100'000'000;

struct send_events {
    std::function<void(const asio::ip::udp::endpoint& local, const asio::ip::udp::endpoint& remote)> on_ready;
    std::function<void(const platform::datagram&)> on_reply;  // message and lines modes
    std::function<void(const asio::ip::udp::endpoint& from, std::uint64_t seq, std::size_t bytes, std::int64_t rtt_ns,
                       reply_kind kind)>
        on_ping_reply;
    std::function<void(std::uint64_t seq)> on_ping_timeout;
    std::function<void(std::string_view)> on_notice;
};

enum class send_error {
    none,
    unknown_host,     // the name does not exist (a usage error)
    lookup_failed,    // the resolver failed otherwise (try again)
    bad_address,      // --bind: no such local address, or not of the target's family
    self_connected,   // --source-port makes the socket its own peer (a usage error)
    socket_failed,    // socket/bind/connect
    too_long,         // a message longer than one datagram
    refused,          // nothing listens there (ICMP port-unreachable)
    network,          // another send or receive failure
    no_reply,         // ping: nothing came back; probe: no report from the listener
    invalid_report,   // probe: a report that fails the checks (probe_outcome::problem)
    lost_track,       // probe: the listener's report says it did not see the whole stream
};

struct probe_outcome {
    std::uint64_t session = 0;
    std::uint64_t sent = 0;
    std::uint64_t bytes = 0;
    double duration_s = 0;       // first to last send
    std::uint64_t calls = 0;     // send system calls
    double cpu_s = 0;            // this process's CPU time while sending
    bool segmentation = false;   // UDP GSO really carried several datagrams in one call
    bool report_received = false;  // a report that passed every check
    probe::report_body report;     // the listener's view
    // The first report that failed a check, and why: then nothing the listener said is
    // shown as a measurement.
    report_problem problem = report_problem::none;
    asio::ip::udp::endpoint problem_source;
};

struct send_result {
    send_error error = send_error::none;
    std::error_code code;     // the system's error behind it, if any
    std::string detail;       // words for the error ("no.such.host", "65600 bytes")
    asio::ip::udp::endpoint remote;
    std::uint64_t sent = 0;   // datagrams
    std::uint64_t replies = 0;
    bool interrupted = false;  // Ctrl-C / SIGTERM ended it early
    ping_summary ping;
    // ping: replies the kernel dropped at our own socket (its receive buffer was full),
    // not lost on the path; nullopt where the OS does not say.
    std::optional<std::uint64_t> receive_drops;
    probe_outcome probe;
};

send_result run_send(const send_config& config, const send_events& events);

}  // namespace netlab::udp
