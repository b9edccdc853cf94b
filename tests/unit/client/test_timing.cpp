#include <doctest/doctest.h>

#include "client/progress.hpp"
#include "client/timing.hpp"

using namespace netlab::client;

namespace {

std::string plain(std::string_view text, std::size_t) { return std::string(text); }

std::size_t count(const std::string& s, std::string_view what) {
    std::size_t n = 0;
    for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + what.size())) ++n;
    return n;
}

}  // namespace

TEST_CASE("the timing table names curl's -w variables in phase order") {
    const auto f = timing_fields();
    REQUIRE(f.size() == 6);
    CHECK(f[1].json_name == "time_namelookup");
    CHECK(f[2].json_name == "time_connect");
    CHECK(f[4].json_name == "time_starttransfer");
    CHECK(f[5].json_name == "time_total");
    timings t{0, 0.001, 0.002, 0.003, 0.004, 0.005};
    CHECK(t.*f[4].moment == doctest::Approx(0.004));
}

TEST_CASE("the chart has a line per phase, bars that fit the width, and the total") {
    const timings t{0, 0.010, 0.020, 0.021, 0.050, 0.100};
    const auto chart = timing_chart(t, 80, plain);
    CHECK(chart.find("DNS lookup") != std::string::npos);
    CHECK(chart.find("TCP connect") != std::string::npos);
    CHECK(chart.find("first byte") != std::string::npos);
    CHECK(chart.find("redirects") == std::string::npos);  // none happened
    CHECK(chart.find("100.0 ms") != std::string::npos);
    CHECK(chart.find("50.0 ms") != std::string::npos);  // the body phase
    std::size_t start = 0;
    while (start < chart.size()) {
        auto end = chart.find('\n', start);
        if (end == std::string::npos) end = chart.size();
        const auto line = chart.substr(start, end - start);
        // Each block is 3 bytes of UTF-8 but one column.
        CHECK(line.size() - 2 * count(line, "\u2588") <= 80);
        start = end + 1;
    }
    // The bars together span the whole axis, so the body phase gets about half.
    const auto blocks = count(chart, "\u2588");
    CHECK(blocks >= 40);
}

TEST_CASE("the chart shows redirects when there were some, and every phase that took time") {
    const timings t{0.5, 0.5001, 0.5002, 0.5003, 0.9, 1.0};
    const auto chart = timing_chart(t, 100, [](std::string_view s, std::size_t row) {
        return "<" + std::to_string(row) + ">" + std::string(s);
    });
    CHECK(chart.find("redirects") != std::string::npos);
    for (int row = 0; row < 6; ++row) CHECK(chart.find("<" + std::to_string(row) + ">\u2588") != std::string::npos);
}

TEST_CASE("durations and sizes are written for people") {
    CHECK(format_duration(0.00042) == "0.42 ms");
    CHECK(format_duration(0.0123) == "12.3 ms");
    CHECK(format_duration(1.25) == "1.25 s");
    CHECK(format_bytes(512) == "512 B");
    CHECK(format_bytes(1536) == "1.5 KiB");
    CHECK(format_bytes(1024ull * 1024 * 1024) == "1.0 GiB");
    CHECK(speed(1000, 0.5) == doctest::Approx(2000));
    CHECK(speed(1000, 0) == 0);
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
