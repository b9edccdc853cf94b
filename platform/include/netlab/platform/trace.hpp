// The socket-API trace behind --trace: each socket/bind/listen/accept/connect/send/recv/
// close step with its OS handle and addresses. Libraries emit records; the command line
// installs one sink that prints them (human or JSON). With no sink, emitting costs one
// relaxed atomic load.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <system_error>

namespace netlab::platform {

// Each step has its name in the one table in trace.cpp; a step added here without a row
// there fails to compile. `count` is not a step. The datagram steps carry the count of a
// batched call in `detail`.
enum class trace_step {
    socket, bind, listen, accept, connect, send, recv, sendfile, shutdown, close, resolve, setsockopt,
    sendto, recvfrom, sendmmsg, recvmmsg, tls_handshake,
    count
};

std::string_view step_name(trace_step step);

struct trace_record {
    trace_step step = trace_step::socket;
    std::uint64_t handle = 0;    // the OS handle (fd or SOCKET); resolve has none
    std::string local;           // "127.0.0.1:8080", empty when not known
    std::string remote;
    std::int64_t bytes = -1;     // send/recv/sendfile: bytes moved; -1 when not applicable
    std::error_code error;       // the step's failure, if any
    std::string detail;          // e.g. "SOCK_STREAM", "backlog 1024", "64 datagrams"
};

using trace_sink = std::function<void(const trace_record&)>;

// Installs the sink (empty function to remove). Call before any I/O starts; the sink
// itself must be safe to call from several threads.
void set_trace_sink(trace_sink sink);

bool tracing_enabled();

// Hands the record to the sink if there is one.
void emit_trace(const trace_record& record);

// Shorthand for a step known only by its handle (no addresses at hand).
void emit_trace(trace_step step, std::uint64_t handle, std::int64_t bytes, const std::error_code& error,
                std::string detail);

}  // namespace netlab::platform
