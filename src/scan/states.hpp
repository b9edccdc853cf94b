// What one connect says about a port, as nmap's connect scan reads it: connected ->
// open; refused (RST) -> closed; no answer in time, host or network unreachable, or
// access denied (an ICMP "administratively prohibited", a local firewall) -> filtered.
// A connect reported reset completed its handshake (a RST answering the SYN is a
// refusal): a service that accepts and then resets at once is open, whatever it does
// after, as nmap sees it.
// Two outcomes say nothing about the port and must never become a state: a shortage
// of local resources (no ephemeral port left, no file descriptor, no buffer), which is
// waited out and retried, and errors no probe should meet, which stop the scan.
#pragma once

#include <string_view>

#include "netlab/platform/error.hpp"

namespace netlab::scan {

enum class port_state { open, closed, filtered };

std::string_view state_name(port_state s);

enum class verdict {
    open,
    closed,
    filtered,        // retried while tries are left
    local_shortage,  // back off and try again; not a try
    fatal,           // stop the scan and say why
};

// `self_connected`: the connect succeeded but the socket's local endpoint equals the
// remote one. On loopback a connect to port P from an ephemeral port that happens to
// be P meets itself (TCP simultaneous open, RFC 793 §3.4) and "succeeds" although
// nothing listens: that port is closed.
verdict judge(platform::error_kind outcome, bool self_connected);

// An answer from the target (open or closed) whose connect time can feed the RTT estimate.
inline bool answered(verdict v) { return v == verdict::open || v == verdict::closed; }

}  // namespace netlab::scan
