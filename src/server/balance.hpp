// How many of serve-http's workers take connections, and which connections move between
// them: decided a few times a second from what the CPUs did in the last interval.
//
// A worker that is not needed costs nothing, but one that is busy when no core is free
// does: it takes turns on a core with the load's other threads (a benchmark client on the
// same machine, a database), and every request waits for its worker's next time slice.
// So the server starts with one worker taking connections, adds one when the busiest is
// saturated and a core is free of other work, and gives them up when the load fits in
// fewer or other processes claim the cores. Pure functions, so the rules can be tested.
#pragma once

#include <string>
#include <vector>

namespace netlab::server {

// One interval's measurements. Loads are in cores: 1.0 is one core busy all the time.
struct load_sample {
    std::vector<double> worker_busy;  // each worker thread's CPU, 0..1
    double process_busy = 0;          // the whole process (workers, acceptor, log writer)
    double machine_busy = -1;         // every process on the machine; negative: not known
    unsigned cores = 1;               // the machine's cores
};

struct balance_decision {
    unsigned active = 1;  // workers [0, active) take connections
    std::string reason;   // why it changed, in words; empty when it did not
};

// A worker this busy wants help, if a core is free for it.
inline constexpr double saturated_busy = 0.85;
// Workers give one up when the load would keep the rest at most this busy.
inline constexpr double light_busy = 0.6;
// A core counts as free for one more worker when other processes use at most this much
// of it; a worker that has one keeps it until they use more than keep_core_slack. The gap
// keeps a measurement that wavers near the line (the machine's figures come in 10 ms
// ticks) from adding and dropping a worker every interval.
inline constexpr double free_core_slack = 0.3;
inline constexpr double keep_core_slack = 0.5;

// The cores the workers may use without competing with other processes: all of them, less
// what other processes used (rounded in the workers' favour by `slack`), between 1 and the
// number of workers. The server's own other threads (acceptor, log writer) are not
// counted: they are light, and the workers' own figures lag too much to subtract.
unsigned worker_capacity(const load_sample& s, double slack = free_core_slack);

// The active count for the next interval, given the current one.
balance_decision choose_active_workers(unsigned active, const load_sample& s);

struct move_order {
    unsigned from = 0;
    unsigned to = 0;
    unsigned count = 0;
};

// The connections to move so that workers [0, active) hold about as many each (a worker
// holds `connections[i]`) and the others none. A difference of a few connections is left
// alone: moving costs more than it gains.
std::vector<move_order> plan_moves(const std::vector<unsigned>& connections, unsigned active);

}  // namespace netlab::server
