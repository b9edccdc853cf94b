#include <doctest/doctest.h>

#include "client/progress.hpp"

using namespace netlab::client;
using namespace std::chrono_literals;

TEST_CASE("sizes are written for people") {
    CHECK(format_bytes(512) == "512 B");
    CHECK(format_bytes(1536) == "1.5 KiB");
    CHECK(format_bytes(1024ull * 1024 * 1024) == "1.0 GiB");
}

TEST_CASE("the progress line shows percent, bar and ETA with a known size, within the width") {
    const progress p{512ull * 1024 * 1024, 1024ull * 1024 * 1024, 2.0};
    const auto line = progress_line(p, 80);
    CHECK(line.size() <= 80);
    CHECK(line.starts_with(" 50% ["));
    CHECK(line.find("512.0 MiB") != std::string::npos);
    CHECK(line.find("256.0 MiB/s") != std::string::npos);
    CHECK(line.find("ETA 0:02") != std::string::npos);
    CHECK(progress_line(p, 30).size() <= 30);
}

TEST_CASE("without a known size the progress line has bytes and speed only") {
    const progress p{2048, std::nullopt, 1.0};
    const auto line = progress_line(p, 80);
    CHECK(line.find('%') == std::string::npos);
    CHECK(line.find("2.0 KiB") != std::string::npos);
    CHECK(line.find("2.0 KiB/s") != std::string::npos);
}

TEST_CASE("the meter draws nothing before its delay, then at most once per interval") {
    progress_meter m(1000ms, 200ms);
    const auto at = [](double s) { return progress{1, std::nullopt, s}; };
    CHECK_FALSE(m.due(at(0.1)));
    CHECK_FALSE(m.due(at(0.99)));
    CHECK_FALSE(m.shown());
    CHECK(m.due(at(1.0)));
    CHECK(m.shown());
    CHECK_FALSE(m.due(at(1.1)));
    CHECK(m.due(at(1.25)));
    CHECK_FALSE(m.due(at(1.35)));
    CHECK(m.due(at(1.5)));
}

TEST_CASE("a quick transfer never shows the meter, a slow one ends with its last report") {
    progress_meter quick(1000ms, 200ms);
    CHECK_FALSE(quick.due(progress{5, 5, 0.3}));
    CHECK_FALSE(quick.due(progress{5, 5, 0.4, true}));
    CHECK_FALSE(quick.shown());

    progress_meter slow(1000ms, 200ms);
    CHECK(slow.due(progress{5, 10, 1.5}));
    CHECK(slow.due(progress{10, 10, 1.51, true}));  // within the interval, but the last one
}
