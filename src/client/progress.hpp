// The progress line for downloads (curl's progress meter, one line): bytes so far,
// percentage and bar when the size is known, speed, ETA; and the rule for when it is
// drawn. Pure: the command decides whether and where it appears.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace netlab::client {

struct progress {
    std::uint64_t bytes = 0;                // body bytes received so far
    std::optional<std::uint64_t> expected;  // Content-Length, when announced
    double elapsed = 0;                     // seconds since the request was sent
    bool done = false;                      // the body is complete: the last report
};

// The line appears only after this long, so a quick transfer never flashes one (curl
// waits too) ...
inline constexpr std::chrono::milliseconds progress_delay{1000};
// ... and is redrawn at most this often, so a fast transfer does not spend its time
// drawing.
inline constexpr std::chrono::milliseconds progress_interval{200};

// Decides, from the reports' own clock (progress::elapsed), which reports are drawn:
// none before `delay`, then one per `interval`, and the last one (done) whenever any
// was drawn, so the line ends at 100%.
class progress_meter {
public:
    explicit progress_meter(std::chrono::milliseconds delay = progress_delay,
                            std::chrono::milliseconds interval = progress_interval);
    bool due(const progress& p);
    // A line is on screen: it must be ended (a newline) before anything else is printed.
    bool shown() const { return shown_; }

private:
    double delay_;
    double interval_;
    std::optional<double> last_;
    bool shown_ = false;
};

// "1.5 KiB", "12.0 MiB", "512 B".
std::string format_bytes(std::uint64_t bytes);

// At most `width` columns: " 42% [#####     ] 12.0 MiB  48.1 MiB/s  ETA 0:03" with a
// known size, "12.0 MiB  48.1 MiB/s" without.
std::string progress_line(const progress& p, int width);

}  // namespace netlab::client
