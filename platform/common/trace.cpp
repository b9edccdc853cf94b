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

constexpr std::array<std::string_view, 16> names{
    "socket", "bind", "listen", "accept", "connect", "send", "recv", "sendfile", "shutdown", "close", "resolve",
    "sendto", "recvfrom", "sendmmsg", "recvmmsg", "setsockopt"};
static_assert(names.size() == static_cast<std::size_t>(trace_step::setsockopt) + 1, "every trace step has a name");

}  // namespace

std::string_view step_name(trace_step step) { return names[static_cast<std::size_t>(step)]; }

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
