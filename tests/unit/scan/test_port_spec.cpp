#include <doctest/doctest.h>

#include "scan/port_spec.hpp"

using netlab::scan::parse_port_spec;

namespace {

// A fixed table, so the tests do not depend on /etc/services.
std::vector<std::uint16_t> fake_lookup(std::string_view name) {
    if (name == "http") return {80, 8008};
    if (name == "ssh") return {22};
    if (name == "http*") return {80, 443, 8008};
    return {};
}

netlab::scan::port_spec_result parse(std::string_view spec) { return parse_port_spec(spec, fake_lookup); }

std::vector<std::uint16_t> ports(std::initializer_list<std::uint16_t> l) { return l; }

}  // namespace

TEST_CASE("single ports and lists and ranges give sorted unique ports") {
    CHECK(parse("22").ports == ports({22}));
    CHECK(parse("443,22,80").ports == ports({22, 80, 443}));
    CHECK(parse("20-23").ports == ports({20, 21, 22, 23}));
    CHECK(parse("22,20-23,22").ports == ports({20, 21, 22, 23}));
    CHECK(parse("080").ports == ports({80}));
    CHECK(parse(" 22 , 80 ").ports == ports({22, 80}));
}

TEST_CASE("'-' and 1-65535 mean every port and open ends reach 1 and 65535") {
    CHECK(parse("-").ports.size() == 65535);
    CHECK(parse("1-65535").ports.size() == 65535);
    const auto tail = parse("65530-").ports;
    CHECK(tail == ports({65530, 65531, 65532, 65533, 65534, 65535}));
    CHECK(parse("-3").ports == ports({1, 2, 3}));
    CHECK(parse("65535").ports == ports({65535}));
}

TEST_CASE("service names and patterns come from the lookup") {
    CHECK(parse("http,ssh").ports == ports({22, 80, 8008}));
    CHECK(parse("http*").ports == ports({80, 443, 8008}));
    CHECK(parse("T:22,T:http").ports == ports({22, 80, 8008}));
}

TEST_CASE("every bad spec is one line naming the problem and what is expected") {
    struct bad {
        const char* spec;
        const char* says;
    };
    const bad cases[] = {
        {"0", "port 0 cannot be scanned"},
        {"0-10", "port 0 cannot be scanned"},
        {"65536", "out of range"},
        {"99999999999999999999", "out of range"},
        {"100-10", "reversed"},
        {"22,,80", "empty entry"},
        {"22,", "empty entry"},
        {"", "empty port list"},
        {"   ", "empty port list"},
        {"8o", "unknown service name"},
        {"22;80", "not a port number, range or service name"},
        {"1-2-3", "not a range"},
        {"--", "not a range"},
        {"U:53", "TCP ports only"},
        {"nosuchservice", "unknown service name 'nosuchservice'"},
        {"+22", "not a port number"},
        {"22 80", "not a port number, range or service name"},
        {"T:", "empty entry"},
    };
    for (const auto& c : cases) {
        INFO("spec: '" << std::string(c.spec) << "'");
        const auto r = parse(c.spec);
        CHECK_FALSE(r.ok());
        CHECK(r.ports.empty());
        CHECK(r.error.find(c.says) != std::string::npos);
        CHECK(r.error.find("expected") != std::string::npos);
        CHECK(r.error.find('\n') == std::string::npos);
    }
}

TEST_CASE("the default lookup knows the built-in names") {
    const auto r = parse_port_spec("ssh,https");
    REQUIRE(r.ok());
    CHECK(r.ports == ports({22, 443}));
}

TEST_CASE("control bytes in a bad spec are shown escaped: the message stays one line that cannot drive the terminal") {
    // Found by tests/fuzz/fuzz_port_spec: "http,s\r,s~+w" put a raw CR in the message.
    const auto r = parse("http,s\r,s~+w");
    CHECK_FALSE(r.ok());
    CHECK(r.error == "bad port list 'http,s\\r,s~+w': 's\\r' is not a port number, range or service name; "
                     "expected ports 1-65535 as in 22,80,8000-8100, '-' for all, or names such as http");
    for (const char* spec : {"22,\x1b[2J", "\n80", "8o\x7f", "T:\xc2\x9b"}) {
        const auto bad = parse(spec);
        CHECK_FALSE(bad.ok());
        for (const char c : bad.error) CHECK_MESSAGE((c >= 0x20 && c < 0x7f), spec);
    }
}

TEST_CASE("a spec that names every port thousands of times gives each port once, without a list per entry") {
    // Found by tests/fuzz/fuzz_port_spec ("-,-,-,..." was slow): each entry was expanded to
    // its ports before sorting, so 20,000 entries of "-" meant 1.3 billion of them.
    std::string spec = "-";
    for (int i = 0; i < 20000; ++i) spec += i % 2 ? ",-" : ",1-65535";
    const auto r = parse(spec);
    REQUIRE(r.ok());
    REQUIRE(r.ports.size() == 65535);
    CHECK(r.ports.front() == 1);
    CHECK(r.ports.back() == 65535);
    CHECK(parse("80,22-23,http,1-1,23,ssh").ports == ports({1, 22, 23, 80, 8008}));
}
