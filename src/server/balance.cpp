#include "server/balance.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fmt/format.h>
#include <numeric>

namespace netlab::server {
namespace {

unsigned worker_count(const load_sample& s) { return std::max(1u, static_cast<unsigned>(s.worker_busy.size())); }

double workers_busy(const load_sample& s) { return std::accumulate(s.worker_busy.begin(), s.worker_busy.end(), 0.0); }

// What processes other than this one used, in cores.
double others_busy(const load_sample& s) { return std::max(0.0, s.machine_busy - s.process_busy); }

}  // namespace

unsigned worker_capacity(const load_sample& s, double slack) {
    const unsigned n = worker_count(s);
    if (s.machine_busy < 0) return n;  // nothing is known of other processes
    const double free = static_cast<double>(s.cores) - others_busy(s) + slack;
    return std::clamp(static_cast<unsigned>(std::max(0.0, std::floor(free))), 1u, n);
}

balance_decision choose_active_workers(unsigned active, const load_sample& s) {
    const unsigned n = worker_count(s);
    active = std::clamp(active, 1u, n);
    const unsigned capacity = worker_capacity(s);
    const unsigned keep = worker_capacity(s, keep_core_slack);
    if (active > keep) return {keep, fmt::format("other processes kept {:.1f} of the {} cores busy", others_busy(s), s.cores)};
    const auto active_end = s.worker_busy.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(active, s.worker_busy.size()));
    const auto busiest = std::max_element(s.worker_busy.begin(), active_end);
    // Each worker measures itself on its own clock: a figure above the whole process's is
    // from an interval that has passed (a load that just stopped), and the process's counts.
    const double busiest_now = busiest == active_end ? 0 : std::min(*busiest, s.process_busy);
    if (busiest_now >= saturated_busy && active < capacity)
        return {active + 1, fmt::format("worker {} was {:.0f} % busy and a core was free", busiest - s.worker_busy.begin() + 1,
                                        busiest_now * 100)};
    if (active > 1 && workers_busy(s) <= light_busy * (active - 1))
        return {active - 1, fmt::format("the load ({:.2f} cores) fits in fewer workers", workers_busy(s))};
    return {active, {}};
}

std::vector<move_order> plan_moves(const std::vector<unsigned>& connections, unsigned active) {
    const auto n = static_cast<unsigned>(connections.size());
    std::vector<move_order> moves;
    if (n < 2) return moves;
    active = std::clamp(active, 1u, n);
    const unsigned total = std::accumulate(connections.begin(), connections.end(), 0u);
    // surplus[i] > 0: connections worker i gives away; < 0: room it has for more.
    std::vector<std::int64_t> surplus(n, 0);
    for (unsigned i = 0; i < n; ++i) {
        if (i >= active) {
            surplus[i] = connections[i];
            continue;
        }
        const std::int64_t target = total / active + (i < total % active ? 1 : 0);
        const std::int64_t over = std::int64_t{connections[i]} - target;
        const std::int64_t tolerance = std::max<std::int64_t>(2, target / 8);
        if (over < 0 || over > tolerance) surplus[i] = over;  // room to take, or too many to keep
    }
    unsigned to = 0;
    for (unsigned from = 0; from < n; ++from) {
        while (surplus[from] > 0) {
            while (to < n && surplus[to] >= 0) ++to;
            if (to == n) return moves;
            const std::int64_t count = std::min(surplus[from], -surplus[to]);
            moves.push_back({from, to, static_cast<unsigned>(count)});
            surplus[from] -= count;
            surplus[to] += count;
        }
    }
    return moves;
}

}  // namespace netlab::server
