// The connect scanner: a window of non-blocking connects in flight on one event loop
// per thread, each probe closed with an abortive close (SO_LINGER 0: a RST, so a full
// scan leaves no TIME_WAIT sockets behind to exhaust the ephemeral ports), timeouts
// adapted from measured connect times (rtt.hpp), retries for ports that did not answer,
// an optional cap on connects per second, and each port's result handed to a callback.
// Nothing here prints.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "netlab/platform/error.hpp"
#include "netlab/platform/limits.hpp"
#include "scan/states.hpp"

namespace netlab::scan {

// Windows has no soft limit on sockets to size the window from: this many connects
// are in flight at most there (and by default elsewhere, if the open-file limit allows).
inline constexpr std::size_t default_window = 4096;
// File descriptors kept free for everything else (stdio, the event loops' own, files).
inline constexpr std::size_t reserved_descriptors = 64;
// How long --banner waits for an open service to speak first.
inline constexpr std::chrono::milliseconds banner_wait{2000};
// Bytes of a banner kept.
inline constexpr std::size_t banner_limit = 512;
// A shortage of local ports or descriptors is waited out this long before the scan
// gives up with that error.
inline constexpr std::chrono::seconds shortage_patience{10};

struct scan_target {
    std::string name;     // as the user wrote it (host name, address or block)
    std::string address;  // numeric
};

struct scan_options {
    std::chrono::milliseconds timeout{0};  // per connect; 0: adaptive (rtt.hpp)
    std::size_t window = 0;                // connects in flight; 0: default_window
    double max_rate = 0;                   // connects per second; 0: no cap
    int retries = 1;                       // more tries for a port that did not answer
    bool banner = false;                   // read what an open port says first
    bool randomize = false;                // ports in random order (a permutation)
    unsigned threads = 0;                  // event loops; 0: one per core, at most 4
    bool stop_on_signals = true;           // Ctrl-C / SIGTERM end the scan early
};

struct port_result {
    std::size_t target = 0;  // index into the targets
    std::uint16_t port = 0;
    port_state state = port_state::filtered;
    platform::error_kind reason = platform::error_kind::none;  // refused, timed_out, ...; none when open
    double rtt_ms = -1;  // connect time of the answer; -1 when nothing answered
    int tries = 0;
    std::string banner;  // raw bytes (banner option, open ports)
};

struct scan_events {
    // Called for every port, from any thread but never two at once.
    std::function<void(const port_result&)> on_result;
    // Called once a target's every port has a result (same guarantee).
    std::function<void(std::size_t target)> on_target_done;
};

struct scan_summary {
    std::uint64_t ports = 0;     // results reported
    std::uint64_t connects = 0;  // connect attempts, retries included
    std::uint64_t open = 0, closed = 0, filtered = 0;
    double elapsed_s = 0;
    std::size_t window = 0;  // the window used
    unsigned threads = 0;
    bool interrupted = false;
    std::error_code error;    // what stopped the scan early (a fault no state describes)
    std::string error_where;  // the address:port that met it
};

// The window to use: `requested` (0: default_window) within the open-file limit
// (leaving reserved_descriptors), at least 1. Where the limit does not apply, the
// request or default_window.
std::size_t window_for(std::size_t requested, const platform::file_limit& limit);

// Ports in scanning order: ascending, or a random permutation of them.
std::vector<std::uint16_t> scan_order(std::vector<std::uint16_t> ports, bool randomize, std::uint64_t seed);

// Scans every port of every target. Returns when all have a result, at a signal, or
// at a fault that no port state describes.
scan_summary run_scan(const std::vector<scan_target>& targets, const std::vector<std::uint16_t>& ports,
                      const scan_options& options, const scan_events& events);

}  // namespace netlab::scan
