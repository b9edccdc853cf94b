#include <doctest/doctest.h>

#include "server/balance.hpp"

using namespace netlab::server;

namespace {

load_sample sample(std::vector<double> workers, double process, double machine, unsigned cores) {
    load_sample s;
    s.worker_busy = std::move(workers);
    s.process_busy = process;
    s.machine_busy = machine;
    s.cores = cores;
    return s;
}

unsigned moved(const std::vector<move_order>& moves) {
    unsigned n = 0;
    for (const auto& m : moves) n += m.count;
    return n;
}

}  // namespace

TEST_CASE("a saturated worker gets help only when a core is free of other work") {
    // Measured on 2 cores with wrk beside the server: the worker takes a whole core and
    // wrk most of the other. A second worker would take turns with wrk.
    auto d = choose_active_workers(1, sample({1.00, 0.0}, 1.02, 1.80, 2));
    CHECK(d.active == 1);
    CHECK(d.reason.empty());
    // The client is elsewhere: the other core is idle.
    d = choose_active_workers(1, sample({1.00, 0.0}, 1.00, 1.05, 2));
    CHECK(d.active == 2);
    CHECK(d.reason.find("worker 1 was 100 % busy") != std::string::npos);
    // Not saturated: no help needed, however idle the machine.
    CHECK(choose_active_workers(1, sample({0.70, 0.0}, 0.70, 0.75, 8)).active == 1);
    // One worker at a time, up to the number of workers.
    CHECK(choose_active_workers(2, sample({0.95, 0.93, 0, 0}, 1.9, 1.9, 8)).active == 3);
    CHECK(choose_active_workers(2, sample({0.95, 0.93}, 1.9, 1.9, 8)).active == 2);
}

TEST_CASE("workers are given up when other processes claim the cores") {
    // Two workers sharing 2 cores with wrk: each half busy, wrk squeezed to 0.7 of a core.
    const auto d = choose_active_workers(2, sample({0.48, 0.47}, 0.96, 1.66, 2));
    CHECK(d.active == 1);
    CHECK(d.reason.find("other processes kept 0.7 of the 2 cores busy") != std::string::npos);
    // The server's own load does not count against it.
    CHECK(choose_active_workers(2, sample({0.98, 0.97}, 1.96, 2.00, 2)).active == 2);
    CHECK(worker_capacity(sample({0.98, 0.97}, 1.96, 2.00, 2)) == 2);
    // Nothing known of other processes: every worker may be used.
    CHECK(worker_capacity(sample({1.0, 0.0, 0.0}, 1.0, -1, 2)) == 3);
    // Never fewer than one.
    CHECK(worker_capacity(sample({0.1, 0.0}, 0.1, 2.0, 2)) == 1);
}

TEST_CASE("a measurement near the line neither adds nor drops a worker") {
    // Other processes use 0.4 of a core: too much to add a second worker...
    CHECK(choose_active_workers(1, sample({1.0, 0.0}, 1.0, 1.4, 2)).active == 1);
    // ...too little to take one away that is there already.
    CHECK(choose_active_workers(2, sample({0.75, 0.75}, 1.5, 1.9, 2)).active == 2);
    CHECK(worker_capacity(sample({0.75, 0.75}, 1.5, 1.9, 2)) == 1);
    CHECK(worker_capacity(sample({0.75, 0.75}, 1.5, 1.9, 2), keep_core_slack) == 2);
    // Clearly past it, either way.
    CHECK(choose_active_workers(1, sample({1.0, 0.0}, 1.0, 1.2, 2)).active == 2);
    CHECK(choose_active_workers(2, sample({0.7, 0.7}, 1.4, 2.0, 2)).active == 1);
}

TEST_CASE("workers are given up when the load fits in fewer") {
    auto d = choose_active_workers(2, sample({0.25, 0.30}, 0.55, 0.6, 2));
    CHECK(d.active == 1);
    CHECK(d.reason.find("fits in fewer workers") != std::string::npos);
    // Merged, they would be too busy: kept.
    CHECK(choose_active_workers(2, sample({0.40, 0.35}, 0.75, 0.8, 2)).active == 2);
    CHECK(choose_active_workers(1, sample({0.0, 0.0}, 0.0, 0.0, 2)).active == 1);
}

TEST_CASE("a worker's figure from an interval that has passed does not spread the load") {
    // The worker measured itself busy just before the load stopped; the process, measured
    // later, was idle.
    CHECK(choose_active_workers(1, sample({0.92, 0.0}, 0.0, 0.0, 2)).active == 1);
}

TEST_CASE("moves even out the active workers and empty the others") {
    // wrk's burst all went to the only active worker; now two are active.
    auto moves = plan_moves({64, 0}, 2);
    REQUIRE(moves.size() == 1);
    CHECK(moves[0].from == 0);
    CHECK(moves[0].to == 1);
    CHECK(moves[0].count == 32);
    // Back to one: the second gives everything to the first.
    moves = plan_moves({32, 32}, 1);
    REQUIRE(moves.size() == 1);
    CHECK(moves[0].from == 1);
    CHECK(moves[0].to == 0);
    CHECK(moves[0].count == 32);
    // Close enough: nothing moves.
    CHECK(plan_moves({33, 31}, 2).empty());
    CHECK(plan_moves({10, 0}, 1).empty());
    CHECK(plan_moves({5}, 1).empty());
    // Several givers and takers; every connection ends within the tolerance of its share.
    moves = plan_moves({40, 0, 0, 20}, 3);
    CHECK(moved(moves) == 40);
    std::vector<unsigned> after{40, 0, 0, 20};
    for (const auto& m : moves) {
        after[m.from] -= m.count;
        after[m.to] += m.count;
    }
    CHECK(after[3] == 0);
    for (unsigned i = 0; i < 3; ++i) CHECK(after[i] == 20);
}
