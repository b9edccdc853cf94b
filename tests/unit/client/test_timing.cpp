#include <doctest/doctest.h>

#include <vector>

#include "client/timing.hpp"

using namespace netlab::client;

namespace {

std::string plain(std::string_view text, std::size_t) { return std::string(text); }

std::size_t count(const std::string& s, std::string_view what) {
    std::size_t n = 0;
    for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + what.size())) ++n;
    return n;
}

std::vector<std::string> lines(const std::string& s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= s.size()) {
        auto end = s.find('\n', start);
        if (end == std::string::npos) end = s.size();
        out.push_back(s.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

// A transfer that went through every phase.
timings complete(double namelookup, double connect, double pretransfer, double starttransfer, double total) {
    timings t;
    t.namelookup = namelookup;
    t.connect = connect;
    t.pretransfer = pretransfer;
    t.starttransfer = starttransfer;
    t.total = total;
    t.complete = true;
    return t;
}

}  // namespace

TEST_CASE("the timing table names curl's -w variables in phase order") {
    const auto f = timing_fields();
    REQUIRE(f.size() == 7);
    CHECK(f[0].json_name == "time_redirect");
    CHECK(f[1].json_name == "time_namelookup");
    CHECK(f[2].json_name == "time_connect");
    CHECK(f[3].json_name == "time_appconnect");
    CHECK(f[3].label == "TLS handshake");
    CHECK(f[5].json_name == "time_starttransfer");
    CHECK(f[6].json_name == "time_total");
    for (std::size_t i = 0; i < f.size(); ++i) CHECK(static_cast<std::size_t>(f[i].ends) == i);
    const auto t = complete(0.001, 0.002, 0.003, 0.004, 0.005);
    CHECK(field_value(t, f[3]) == 0);  // no TLS: 0, as curl's time_appconnect
    CHECK(field_value(t, f[5]) == doctest::Approx(0.004));
    CHECK(field_value(t, f[6]) == doctest::Approx(0.005));
    CHECK(field_value(t, f[0]) == 0);  // no redirect: 0, as curl writes it
}

TEST_CASE("phases not reached are 0 in the fields, time_total is always the total") {
    timings t;
    t.namelookup = 0.001;
    t.total = 0.0042;
    t.cut_short = phase::connect;
    const auto f = timing_fields();
    CHECK(field_value(t, f[1]) == doctest::Approx(0.001));
    CHECK(field_value(t, f[2]) == 0);
    CHECK(field_value(t, f[5]) == 0);
    CHECK(field_value(t, f[6]) == doctest::Approx(0.0042));
}

TEST_CASE("the chart has a line per phase, bars that fit the width, and the total") {
    const auto chart = timing_chart(complete(0.010, 0.020, 0.021, 0.050, 0.100), 80, plain);
    CHECK(chart.find("DNS lookup") != std::string::npos);
    CHECK(chart.find("TCP connect") != std::string::npos);
    CHECK(chart.find("first byte") != std::string::npos);
    CHECK(chart.find("redirects") == std::string::npos);  // none happened
    CHECK(chart.find("100.0 ms") != std::string::npos);
    CHECK(chart.find("50.0 ms") != std::string::npos);  // the body phase
    for (const auto& line : lines(chart)) CHECK(line.size() - 2 * count(line, "\u2588") <= 80);  // a block: 3 bytes, 1 column
    // The bars together span the whole axis, so the body phase gets about half.
    CHECK(count(chart, "\u2588") >= 40);
}

TEST_CASE("the chart's total line is the total, the same number time_total holds") {
    const auto t = complete(0.001, 0.002, 0.003, 0.0250, 0.0255);
    const auto l = lines(timing_chart(t, 80, plain));
    REQUIRE(l.back().starts_with("  total"));
    CHECK(l.back().ends_with("25.5 ms"));
}

TEST_CASE("the chart shows redirects when there were some, and every phase that took time") {
    auto t = complete(0.5001, 0.5002, 0.7, 0.9, 1.0);
    t.redirect = 0.5;
    t.appconnect = 0.6;
    const auto chart = timing_chart(t, 100, [](std::string_view s, std::size_t row) {
        return "<" + std::to_string(row) + ">" + std::string(s);
    });
    CHECK(chart.find("redirects") != std::string::npos);
    for (int row = 0; row < 7; ++row) CHECK(chart.find("<" + std::to_string(row) + ">\u2588") != std::string::npos);
}

TEST_CASE("an https transfer's chart has the TLS handshake between connect and request sent, plain http none") {
    auto t = complete(0.001, 0.002, 0.010, 0.012, 0.020);
    CHECK(timing_chart(t, 80, plain).find("TLS handshake") == std::string::npos);
    t.appconnect = 0.009;
    const auto l = lines(timing_chart(t, 80, plain));
    REQUIRE(l.size() >= 4);
    CHECK(l[1].find("TCP connect") != std::string::npos);
    CHECK(l[2].find("TLS handshake") != std::string::npos);
    CHECK(l[2].ends_with("7.00 ms"));
    CHECK(l[3].find("request sent") != std::string::npos);
}

TEST_CASE("after a refused connect the chart shows the lookup, the connect it cut short and the total only") {
    timings t;
    t.namelookup = 0.00006;
    t.total = 0.00019;
    t.cut_short = phase::connect;
    const auto l = lines(timing_chart(t, 80, plain));
    REQUIRE(l.size() == 3);
    CHECK(l[0].find("DNS lookup") != std::string::npos);
    CHECK(l[1].find("TCP connect") != std::string::npos);
    CHECK(l[1].ends_with("0.13 ms"));  // from the lookup to the end
    CHECK(l[2].find("total") != std::string::npos);
    CHECK(l[2].ends_with("0.19 ms"));
}

TEST_CASE("a body cut short is drawn up to the end, a transfer stopped between phases draws no body") {
    timings t;
    t.namelookup = 0.001;
    t.connect = 0.002;
    t.pretransfer = 0.003;
    t.starttransfer = 0.004;
    t.total = 0.5;
    t.cut_short = phase::body;
    auto chart = timing_chart(t, 80, plain);
    CHECK(chart.find("body") != std::string::npos);
    CHECK(chart.find("496.0 ms") != std::string::npos);

    t.cut_short.reset();  // --fail: the head arrived, the body was never read
    t.total = 0.0041;
    chart = timing_chart(t, 80, plain);
    CHECK(chart.find("first byte") != std::string::npos);
    CHECK(chart.find("body") == std::string::npos);
    CHECK(chart.find("0.00 ms") == std::string::npos);
}

TEST_CASE("no chart at all when no phase began (a URL rejected)") {
    timings t;
    t.total = 0.00002;
    CHECK(timing_chart(t, 80, plain).empty());
}

TEST_CASE("durations are written for people and speed is bytes over the time given") {
    CHECK(format_duration(0.00042) == "0.42 ms");
    CHECK(format_duration(0.0123) == "12.3 ms");
    CHECK(format_duration(1.25) == "1.25 s");
    CHECK(speed(1000, 0.5) == doctest::Approx(2000));
    CHECK(speed(8, 0.0255) == doctest::Approx(313.7).epsilon(0.001));  // curl: 8 B in 25.5 ms
    CHECK(speed(1000, 0) == 0);
}
