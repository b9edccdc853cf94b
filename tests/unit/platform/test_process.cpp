#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <thread>

#include "netlab/platform/process.hpp"

namespace pf = netlab::platform;

TEST_CASE("Ctrl-C and SIGTERM are stop signals on every OS") {
    const auto s = pf::stop_signals();
    CHECK(std::find(s.begin(), s.end(), SIGINT) != s.end());
    CHECK(std::find(s.begin(), s.end(), SIGTERM) != s.end());
}

TEST_CASE("the OS and I/O backend have names") {
    CHECK_FALSE(pf::os_name().empty());
    CHECK_FALSE(pf::io_backend().empty());
    pf::init_process();  // idempotent, safe to call in a test
}

TEST_CASE("a thread's CPU time counts its own work, not its sleep nor other threads' work") {
    using namespace std::chrono;
    const auto spin = [](milliseconds how_long) {
        volatile std::uint64_t sink = 0;
        const auto end = steady_clock::now() + how_long;
        while (steady_clock::now() < end) sink = sink + 1;
    };
    // Work until the clock says 50 ms of CPU (5 s at most: a loaded machine, sanitizers
    // and wine give a thread less CPU than wall time); it cannot have taken less wall time.
    const auto wall_before = steady_clock::now();
    const auto before = pf::thread_cpu_time();
    while (pf::thread_cpu_time() - before < milliseconds(50) && steady_clock::now() - wall_before < seconds(5))
        spin(milliseconds(5));
    const auto worked = pf::thread_cpu_time() - before;
    CHECK(worked >= milliseconds(50));
    // Windows counts in scheduler ticks of about 15.6 ms.
    CHECK(worked <= steady_clock::now() - wall_before + milliseconds(32));

    const auto idle_before = pf::thread_cpu_time();
    std::thread other([&] { spin(milliseconds(100)); });
    std::this_thread::sleep_for(milliseconds(100));
    other.join();
    CHECK(pf::thread_cpu_time() - idle_before < milliseconds(30));
}

TEST_CASE("the machine's CPU times add up: idle within total, both growing") {
    using namespace std::chrono;
    const auto first = pf::system_cpu();
    if (first.total.count() == 0) {
        CHECK(first.idle.count() == 0);  // this OS does not tell: nothing is claimed
        return;
    }
    CHECK(first.idle <= first.total);
    std::this_thread::sleep_for(milliseconds(100));
    const auto second = pf::system_cpu();
    CHECK(second.total > first.total);  // 100 ms on every core passed
    CHECK(second.idle <= second.total);
    // (Linux's iowait, part of idle here, may step back a little: no check that idle grew.)
}
