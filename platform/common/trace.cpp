#include "netlab/platform/trace.hpp"

#include <array>
#include <atomic>

namespace netlab::platform {
namespace {

// Set once before I/O starts, read from any thread afterwards.
trace_sink& sink() {
    static trace_sink s;
    return s;
}
std::atomic<bool> enabled{false};

struct step_row {
    trace_step step;
    std::string_view name;  // the socket-API call as the course names it
};

constexpr std::array<step_row, static_cast<std::size_t>(trace_step::count)> steps{{
    {trace_step::socket, "socket"},
    {trace_step::bind, "bind"},
    {trace_step::listen, "listen"},
    {trace_step::accept, "accept"},
    {trace_step::connect, "connect"},
    {trace_step::send, "send"},
    {trace_step::recv, "recv"},
    {trace_step::sendfile, "sendfile"},
    {trace_step::shutdown, "shutdown"},
    {trace_step::close, "close"},
    {trace_step::resolve, "resolve"},
    {trace_step::setsockopt, "setsockopt"},
    {trace_step::sendto, "sendto"},
    {trace_step::recvfrom, "recvfrom"},
    {trace_step::sendmmsg, "sendmmsg"},
    {trace_step::recvmmsg, "recvmmsg"},
    {trace_step::tls_handshake, "tls_handshake"},
}};

// Every row sits at its step's index with a name: a missing or misplaced row is a
// compile error, not an out-of-bounds read.
constexpr bool table_complete() {
    for (std::size_t i = 0; i < steps.size(); ++i)
        if (static_cast<std::size_t>(steps[i].step) != i || steps[i].name.empty()) return false;
    return true;
}
static_assert(table_complete(), "every trace_step needs its row in `steps`, in enum order");

}  // namespace

std::string_view step_name(trace_step step) {
    const auto i = static_cast<std::size_t>(step);
    return i < steps.size() ? steps[i].name : "?";
}

void set_trace_sink(trace_sink s) {
    sink() = std::move(s);
    enabled.store(static_cast<bool>(sink()), std::memory_order_release);
}

bool tracing_enabled() { return enabled.load(std::memory_order_relaxed); }

void emit_trace(const trace_record& record) {
    if (tracing_enabled()) sink()(record);
}

void emit_trace(trace_step step, std::uint64_t handle, std::int64_t bytes, const std::error_code& error,
                std::string detail) {
    if (!tracing_enabled()) return;
    trace_record r;
    r.step = step;
    r.handle = handle;
    r.bytes = bytes;
    r.error = error;
    r.detail = std::move(detail);
    sink()(r);
}

}  // namespace netlab::platform
