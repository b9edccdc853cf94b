#include "scan/rtt.hpp"

#include <algorithm>

namespace netlab::scan {

void rtt_estimator::sample(duration rtt) {
    rtt = std::max(rtt, duration{0});
    if (samples_++ == 0) {
        srtt_ = rtt;
        rttvar_ = rtt / 2;
        return;
    }
    const auto delta = srtt_ > rtt ? srtt_ - rtt : rtt - srtt_;
    rttvar_ = (rttvar_ * 3 + delta) / 4;
    srtt_ = (srtt_ * 7 + rtt) / 8;
}

rtt_estimator::duration rtt_estimator::timeout() const {
    if (!has_samples()) return initial_timeout;
    return std::clamp(srtt_ + 4 * rttvar_, min_timeout, max_timeout);
}

}  // namespace netlab::scan
