// --wait: the CI form of a scan (what wait-for-it.sh does): probe the given ports again
// and again until every one is open or the time is up. A host name that does not
// resolve yet (a container still starting) is looked up again each round.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <system_error>
#include <vector>

#include "scan/scanner.hpp"
#include "scan/targets.hpp"

namespace netlab::scan {

// The pause between two rounds.
inline constexpr std::chrono::milliseconds wait_interval{250};

struct wait_outcome {
    std::vector<scan_target> targets;    // address empty for a name that never resolved
    std::vector<std::error_code> resolve_errors;  // per target: the last lookup's failure
    std::vector<port_result> not_open;   // the last result of each port never seen open
    bool all_open = false;
    bool interrupted = false;
    double waited_s = 0;
    std::uint64_t rounds = 0;
    std::error_code error;  // a fault that stopped the scans (as scan_summary::error)
    std::string error_where;
};

// Calls `on_open` (with the targets as known so far) as each port opens. `options.retries`
// is ignored: each round is a try.
wait_outcome wait_until_open(const std::vector<target_spec>& specs, ip_family family,
                             const std::vector<std::uint16_t>& ports, const scan_options& options,
                             std::chrono::milliseconds patience,
                             const std::function<void(const port_result&, const std::vector<scan_target>&, double waited_s)>& on_open);

}  // namespace netlab::scan
