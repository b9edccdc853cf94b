#include "client/timing.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <fmt/format.h>

namespace netlab::client {
namespace {

constexpr std::array<timing_field, 7> fields{{
    {"time_redirect", "redirects", phase::redirects},
    {"time_namelookup", "DNS lookup", phase::namelookup},
    {"time_connect", "TCP connect", phase::connect},
    {"time_appconnect", "TLS handshake", phase::appconnect},
    {"time_pretransfer", "request sent", phase::pretransfer},
    {"time_starttransfer", "first byte", phase::starttransfer},
    {"time_total", "body", phase::body},
}};

// Label, bar, duration: the bar takes what the label and the figure leave.
constexpr int label_columns = 14;
constexpr int figure_columns = 11;
constexpr int min_bar_columns = 10;
constexpr int max_bar_columns = 60;

}  // namespace

std::span<const timing_field> timing_fields() { return fields; }

std::optional<double> moment(const timings& t, phase p) {
    switch (p) {
        case phase::redirects: return t.redirect;
        case phase::namelookup: return t.namelookup;
        case phase::connect: return t.connect;
        case phase::appconnect: return t.appconnect;
        case phase::pretransfer: return t.pretransfer;
        case phase::starttransfer: return t.starttransfer;
        case phase::body: return t.complete ? std::optional<double>(t.total) : std::nullopt;
    }
    return std::nullopt;
}

double field_value(const timings& t, const timing_field& f) {
    return f.ends == phase::body ? t.total : moment(t, f.ends).value_or(0.0);
}

double speed(std::uint64_t bytes, double seconds) {
    return seconds > 0 ? static_cast<double>(bytes) / seconds : 0.0;
}

std::string format_duration(double seconds) {
    if (seconds < 0.01) return fmt::format("{:.2f} ms", seconds * 1e3);
    if (seconds < 1.0) return fmt::format("{:.1f} ms", seconds * 1e3);
    return fmt::format("{:.2f} s", seconds);
}

std::string timing_chart(const timings& t, int width,
                         const std::function<std::string(std::string_view, std::size_t)>& paint) {
    const int bar = std::clamp(width - 2 - label_columns - figure_columns - 2, min_bar_columns, max_bar_columns);
    const double total = t.total > 0 ? t.total : 1e-9;
    const auto column = [&](double at) { return std::clamp(static_cast<int>(std::lround(at / total * bar)), 0, bar); };
    std::string out;
    double previous = 0;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        const auto reached = moment(t, fields[i].ends);
        const bool cut = t.cut_short == fields[i].ends;
        if (!reached && !cut) continue;
        const double end = std::max(cut ? t.total : *reached, previous);
        const double length = end - previous;
        const int from = column(previous);
        int to = column(end);
        if (to == from && length > 0 && to < bar) ++to;  // a phase that happened shows
        std::string cells;
        for (int c = from; c < to; ++c) cells += "\u2588";  // full block
        out += fmt::format("  {:<{}}{}{}{}{:>{}}\n", fields[i].label, label_columns,
                           std::string(static_cast<std::size_t>(from), ' '), paint(cells, i),
                           std::string(static_cast<std::size_t>(bar - to), ' '), format_duration(length),
                           figure_columns);
        previous = end;
        if (cut) break;
    }
    if (out.empty()) return out;
    out += fmt::format("  {:<{}}{}{:>{}}", "total", label_columns, std::string(static_cast<std::size_t>(bar), ' '),
                       format_duration(t.total), figure_columns);
    return out;
}

}  // namespace netlab::client
