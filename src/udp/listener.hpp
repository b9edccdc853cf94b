// udp-listen's engine: binds (dual-stack on a wildcard, never connected, so it hears any
// number of peers; "localhost" is ::1 and 127.0.0.1, one socket each on one port, since
// udp-send and most programs try ::1 first), receives in batches, hands each ordinary datagram to a callback and
// echoes it with --echo, counts probe datagrams into their sessions, answers a sender's
// fin with the session's report, and stops on --count, --timeout or Ctrl-C/SIGTERM.
// Reports through listen_events; never prints.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "netlab/platform/datagram.hpp"
#include "udp/probe.hpp"

namespace netlab::udp {

struct listen_config {
    std::string bind_address;                      // "": all interfaces, IPv6 and IPv4; "localhost": ::1 and 127.0.0.1
    std::uint16_t port = 0;                        // 0: the OS picks one
    bool echo = false;                             // return each ordinary datagram to its sender
    std::uint64_t count = 0;                       // stop after this many datagrams; 0: no limit
    std::chrono::milliseconds idle_timeout{0};     // stop after this long without one; 0: never
    std::chrono::milliseconds report_interval{0};  // probe sessions and traffic report this often; 0: at their end
    bool offload = true;                           // let the kernel coalesce (UDP GRO) where it can
    // Probe sessions kept at most (--max-sessions); beyond, a finished one is dropped, else
    // the one heard from longest ago (reported first). Closed sessions are kept among them
    // to answer a repeated fin.
    std::size_t max_sessions = 256;
    double echo_rate = 10000;  // --echo: echoes per second to one address (and as many at once)
};

inline constexpr std::size_t default_max_sessions = 256;
inline constexpr std::size_t max_max_sessions = 65536;  // 3.5 GiB of sessions: beyond, a typo
// Addresses whose echo rate is followed at once; a new one beyond gets no echo until
// some have been quiet for a second.
inline constexpr std::size_t echo_peers = 4096;

struct listening_info {
    std::string address;  // numeric, "::" for all interfaces; the first of `addresses`
    std::vector<std::string> addresses;  // every address listened on, on the same port
    std::uint16_t port = 0;
    bool dual_stack = false;
    bool coalescing = false;  // UDP GRO in use
};

struct session_info {
    std::uint64_t id = 0;
    asio::ip::udp::endpoint peer;  // where its first datagram came from
};

// Datagrams the listener does not count or answer as asked (docs/udp-probe.md, "Trust
// model"). In this order in the commands' tables of names.
enum class refusal {
    other_address,     // a probe datagram of a known session from another address: not counted
    unknown_fin,       // a fin for a session the listener does not have: answered "unknown"
    short_fin,         // a fin smaller than the least report: no answer (an older sender)
    echo_to_self,      // --echo: the datagram came from this socket's own address
    echo_rate_limited, // --echo: the peer's echo budget is spent (said once per spell)
    echo_no_room,      // --echo: too many peers to follow; a new one gets no echo (said once)
};

struct refusal_info {
    refusal what = refusal::other_address;
    std::uint64_t session = 0;        // probe refusals
    asio::ip::udp::endpoint from;     // the datagram's source
    asio::ip::udp::endpoint peer;     // other_address: the session's own address
};

// In this order in the commands' tables of names.
enum class report_reason {
    interval,  // --interval passed
    closed,    // the sender's fin: final, lost counted against its own total
    stopped,   // the listener stops; the sender never closed
    dropped,   // room was needed for a new session
};

// What arrived during one --interval, all datagrams (probe datagrams included).
struct interval_traffic {
    double elapsed_s = 0;  // since the listener started, at the end of this interval
    double span_s = 0;     // this interval's length
    std::uint64_t datagrams = 0;
    std::uint64_t bytes = 0;
    std::uint64_t total_datagrams = 0;  // since the start
    // The kernel's drop counter (receive buffer full) since the start, and how much it grew
    // in this interval; nullopt where the OS does not say.
    std::optional<std::uint64_t> kernel_drops;
    std::uint64_t new_kernel_drops = 0;
};

struct listen_events {
    std::function<void(const listening_info&)> on_listening;
    // Every datagram that is not part of a probe stream (pings included).
    std::function<void(const platform::datagram&)> on_datagram;
    std::function<void(const session_info&, const probe::report_body&, report_reason)> on_report;
    std::function<void(std::string_view)> on_notice;
    // Said once per session (other_address, short_fin) or per spell (echo_rate_limited);
    // every refusal is counted in the summary.
    std::function<void(const refusal_info&)> on_refusal;
    // Each --interval in which a datagram arrived or the kernel dropped some.
    std::function<void(const interval_traffic&)> on_interval;
};

// In this order in the commands' tables. `output`: the command asked (its output failed).
enum class stop_reason { count, timeout, signal, output };

struct listen_summary {
    std::uint64_t datagrams = 0;  // all, probe datagrams included
    std::uint64_t bytes = 0;
    std::uint64_t truncated = 0;
    std::uint64_t echoed = 0;
    std::uint64_t probe_datagrams = 0;
    std::uint64_t sessions = 0;
    std::uint64_t evictions = 0;           // live sessions dropped for room
    std::uint64_t other_address = 0;       // probe datagrams refused: a session's id from another address
    std::uint64_t unknown_fins = 0;        // fins for sessions the listener does not have
    std::uint64_t short_fins = 0;          // fins too small to answer
    std::uint64_t echoes_to_self = 0;      // echoes not sent: our own address
    std::uint64_t echoes_limited = 0;      // echoes not sent: the peer's rate, or no room to follow it
    // Datagrams the kernel dropped before we could read them (receive buffer full: we
    // fell behind); nullopt where the OS does not say. Not among `datagrams`. Probe and
    // ordinary traffic alike: the kernel counts per socket.
    std::optional<std::uint64_t> kernel_drops;
    double uptime_s = 0;
    stop_reason reason = stop_reason::signal;
};

class listener {
public:
    listener(listen_config config, listen_events events);
    ~listener();
    listener(const listener&) = delete;
    listener& operator=(const listener&) = delete;

    // Opens and binds the socket and reports on_listening.
    std::error_code start();
    // Receives until a stop condition; reports open sessions, returns the totals. An
    // exception that ends one of its coroutines (out of memory) comes out of here.
    listen_summary run();
    // Ends run() soon with `why`; from any thread (a background writer whose reader went).
    void request_stop(stop_reason why);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace netlab::udp
