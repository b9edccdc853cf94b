// When each phase of a transfer ended, in seconds since the command started, and the one
// table that both the --timing chart and the JSON fields come from (curl -w names).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace netlab::client {

// The phases of a transfer in order; each ends at the moment of the same row in
// timing_fields() (phase::body ends at time_total).
enum class phase { redirects, namelookup, connect, appconnect, pretransfer, starttransfer, body };

struct timings {
    // Moments a phase ended; nullopt for a phase that was not reached (the JSON field
    // is 0 then, as curl's -w writes it). Those of the last request only: a redirect
    // starts them afresh, after `redirect`.
    std::optional<double> redirect;       // redirects followed before the last request began
    std::optional<double> namelookup;     // name resolved
    std::optional<double> connect;        // TCP connected
    std::optional<double> appconnect;     // TLS handshake done (https only; blackbox_exporter's `tls`)
    std::optional<double> pretransfer;    // request head (and body) sent
    std::optional<double> starttransfer;  // first byte of the response
    // When the transfer ended, successful or not: the one total that the summary, the
    // chart and time_total all show.
    double total = 0;
    // The body was received to its end: the transfer succeeded.
    bool complete = false;
    // A transfer that failed or was interrupted: the phase that was under way then
    // (nullopt when it stopped between phases: a bad URL, --fail, a bad redirect).
    std::optional<phase> cut_short;
};

// Row i is a moment (its JSON name) and the phase that ends there (its label), which
// began at the previous reached moment (at 0 for the first row).
struct timing_field {
    std::string_view json_name;
    std::string_view label;
    phase ends;
};

std::span<const timing_field> timing_fields();

// The moment a phase ended, nullopt when it was not reached.
std::optional<double> moment(const timings& t, phase p);

// A field as curl's -w writes it: 0 for a phase not reached; time_total always.
double field_value(const timings& t, const timing_field& f);

// Bytes per second, 0 when no time passed: curl's speed_download is size_download
// divided by time_total.
double speed(std::uint64_t bytes, double seconds);

// "0.42 ms", "12.3 ms", "1.25 s".
std::string format_duration(double seconds);

// The chart behind --timing (like httpstat): one line per phase with a bar placed where
// the phase lies on the time axis, then the total. Only phases that happened are drawn:
// no redirects row without redirects; after a failure the phases reached and the one it
// cut short, nothing after them. `width` is the terminal's columns; `paint(text, row)` colours
// a bar (identity when colour is off). Empty when no phase began (a URL rejected).
std::string timing_chart(const timings& t, int width,
                         const std::function<std::string(std::string_view, std::size_t)>& paint);

}  // namespace netlab::client
