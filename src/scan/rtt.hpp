// The probe timeout, adapted from measured connect times as nmap does: smoothed RTT and
// its variation as in RFC 6298 §2 (alpha 1/8, beta 1/4), timeout = srtt + 4 * rttvar,
// clamped to nmap's defaults (--min-rtt-timeout 100 ms, --max-rtt-timeout 10 s), and
// nmap's --initial-rtt-timeout of 1 s until the first answer.
#pragma once

#include <chrono>

namespace netlab::scan {

class rtt_estimator {
public:
    using duration = std::chrono::microseconds;

    static constexpr duration initial_timeout{1'000'000};
    static constexpr duration min_timeout{100'000};
    static constexpr duration max_timeout{10'000'000};

    // One answered probe's round-trip time (connected or refused).
    void sample(duration rtt);

    bool has_samples() const { return samples_ > 0; }
    duration srtt() const { return srtt_; }
    duration rttvar() const { return rttvar_; }
    duration timeout() const;

private:
    duration srtt_{0};
    duration rttvar_{0};
    long long samples_ = 0;
};

}  // namespace netlab::scan
