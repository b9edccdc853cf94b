// A TCP connect used as a probe (portscan): one connect per port, the answer is whether
// it connected, was refused, or nothing came back in time. The socket API answers that
// the same everywhere except for two OS quirks, handled here:
// - Windows retries a SYN that was answered with RST, so a refused connect takes about
//   2 s and a closed port looks filtered (curl#14144, nmap#2113); it also ignores ICMP
//   errors during connect. Each probe socket gets the options nmap sets there.
// - Telling a connect that has finished in the kernel from one still waiting, without
//   consuming its result, so a deadline that passes while the answer is queued (a busy
//   machine) does not turn an answered probe into a timeout.
#pragma once

#include <chrono>
#include <cstddef>
#include <system_error>

#include "netlab/platform/socket_options.hpp"

namespace netlab::platform {

// Which of the per-socket probe options took effect (each exists only from some
// Windows version on; elsewhere none is needed and all stay false).
struct probe_options {
    bool max_retransmit_time = false;     // TCP_MAXRTMS (or TCP_MAXRT in whole seconds) = the probe timeout
    bool fail_on_icmp_error = false;      // TCP_FAIL_CONNECT_ON_ICMP_ERROR (Windows 10 2004+)
    bool no_syn_retransmissions = false;  // SIO_TCP_INITIAL_RTO, MaxSynRetransmissions = none (Windows 8+)
};

// Best effort, on an open socket before connect(); failures of single options are
// ignored (older Windows), since the caller's own deadline still bounds the probe.
probe_options set_connect_probe_options(native_socket s, std::chrono::milliseconds timeout);

// True when the socket's pending connect has an answer in the kernel (connected or
// failed) that the event loop has not delivered yet: poll() for writability with a zero
// timeout on POSIX, which, unlike reading SO_ERROR, leaves the answer in place. On
// Windows a completion already queued on the IOCP survives cancellation anyway, so
// this answers false there.
bool connect_settled(native_socket s);

enum class connect_progress {
    answered,     // `answer` holds the outcome: empty (connected) or the failure
    in_progress,  // wait until the socket is writable, then ask connect_answer()
    unsupported,  // nothing was done: connect through the event loop instead
};

// Starts a connect on a non-blocking socket and, when the OS has the answer already,
// returns it without a trip through the event loop: on loopback the SYN and its RST or
// SYN-ACK are processed before connect() returns, so most probes end here. POSIX only;
// on Windows sockets connect through ConnectEx and the completion port (unsupported).
connect_progress start_connect(native_socket s, const void* address, std::size_t length, std::error_code& answer);

// The answer of a connect started by start_connect to the same address, once the
// socket is writable (in_progress again if it was not yet).
connect_progress connect_answer(native_socket s, const void* address, std::size_t length, std::error_code& answer);

// True when a socket whose connect start_connect/connect_answer answered "refused" can
// connect again at once, saving the socket()/close() pair and the event-loop
// registration per probe (the larger part of a refused probe's cost on loopback).
// Linux: both ask for the answer with a second connect() to the same address, and a
// connect() that reports a failure leaves the socket unconnected and reusable. Elsewhere
// a failed connect leaves the socket unusable, and the caller opens a new one.
bool reconnects_after_refusal();

}  // namespace netlab::platform
