#include "client/progress.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <fmt/format.h>

#include "client/timing.hpp"

namespace netlab::client {
namespace {

std::string format_eta(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) return "--:--";
    const auto s = static_cast<std::uint64_t>(std::llround(seconds));
    if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
    return fmt::format("{}:{:02}", s / 60, s % 60);
}

}  // namespace

progress_meter::progress_meter(std::chrono::milliseconds delay, std::chrono::milliseconds interval)
    : delay_(std::chrono::duration<double>(delay).count()), interval_(std::chrono::duration<double>(interval).count()) {}

bool progress_meter::due(const progress& p) {
    if (p.done) return shown_;
    if (p.elapsed < delay_) return false;
    if (last_ && p.elapsed - *last_ < interval_) return false;
    last_ = p.elapsed;
    shown_ = true;
    return true;
}

std::string format_bytes(std::uint64_t bytes) {
    constexpr std::array<const char*, 5> units{"KiB", "MiB", "GiB", "TiB", "PiB"};
    if (bytes < 1024) return fmt::format("{} B", bytes);
    double v = static_cast<double>(bytes) / 1024.0;
    std::size_t u = 0;
    while (v >= 1024.0 && u + 1 < units.size()) {
        v /= 1024.0;
        ++u;
    }
    return fmt::format("{:.1f} {}", v, units[u]);
}

std::string progress_line(const progress& p, int width) {
    const double rate = speed(p.bytes, p.elapsed);
    std::string tail = fmt::format("{:>10}  {:>10}/s", format_bytes(p.bytes),
                                   format_bytes(static_cast<std::uint64_t>(rate)));
    if (!p.expected || *p.expected == 0) return tail.substr(0, static_cast<std::size_t>(std::max(width, 0)));

    const double fraction = std::min(1.0, static_cast<double>(p.bytes) / static_cast<double>(*p.expected));
    const double remaining = static_cast<double>(*p.expected - std::min(p.bytes, *p.expected));
    tail += "  ETA " + format_eta(rate > 0 ? remaining / rate : -1.0);
    const std::string percent = fmt::format("{:>3}% ", static_cast<int>(fraction * 100.0));
    const int bar = width - static_cast<int>(percent.size() + tail.size()) - 3;
    if (bar < 5) return (percent + tail).substr(0, static_cast<std::size_t>(std::max(width, 0)));
    const auto filled = static_cast<std::size_t>(fraction * bar);
    return percent + "[" + std::string(filled, '#') + std::string(static_cast<std::size_t>(bar) - filled, ' ') +
           "] " + tail;
}

}  // namespace netlab::client
