#include <doctest/doctest.h>

#include <asio/ip/address.hpp>

#include "scan/targets.hpp"

using namespace netlab::scan;

TEST_CASE("literals and blocks and names are told apart") {
    const auto r = parse_targets({"127.0.0.1", "::1", "[::2]", "localhost", "127.0.0.4/30"}, ip_family::any);
    REQUIRE(r.ok());
    REQUIRE(r.specs.size() == 5);
    CHECK(r.specs[0].addresses == std::vector<std::string>{"127.0.0.1"});
    CHECK(r.specs[1].addresses == std::vector<std::string>{"::1"});
    CHECK(r.specs[2].addresses == std::vector<std::string>{"::2"});
    CHECK(r.specs[3].hostname);
    CHECK(r.specs[4].addresses == std::vector<std::string>{"127.0.0.4", "127.0.0.5", "127.0.0.6", "127.0.0.7"});
}

TEST_CASE("a block includes its network and broadcast addresses and is masked first") {
    const auto r = parse_targets({"127.0.0.5/28"}, ip_family::any);
    REQUIRE(r.ok());
    CHECK(r.specs[0].addresses.size() == 16);
    CHECK(r.specs[0].addresses.front() == "127.0.0.0");
    CHECK(r.specs[0].addresses.back() == "127.0.0.15");
    const auto v6 = parse_targets({"fd00::1:2/126"}, ip_family::any);
    REQUIRE(v6.ok());
    CHECK(v6.specs[0].addresses == std::vector<std::string>{"fd00::1:0", "fd00::1:1", "fd00::1:2", "fd00::1:3"});
}

TEST_CASE("at most 65536 addresses: a /16 is fine and a /15 is a clear error") {
    CHECK(parse_targets({"10.1.0.0/16"}, ip_family::any).specs.at(0).addresses.size() == 65536);
    const auto big = parse_targets({"10.0.0.0/15"}, ip_family::any);
    CHECK(big.error.find("more than 65,536") != std::string::npos);
    CHECK(big.error.find("/16") != std::string::npos);
    const auto v6 = parse_targets({"fd00::/64"}, ip_family::any);
    CHECK(v6.error.find("/112") != std::string::npos);
    const auto sum = parse_targets({"10.1.0.0/16", "10.2.0.0/32"}, ip_family::any);
    CHECK(sum.error.find("65,536") != std::string::npos);
}

TEST_CASE("bad targets are one-line usage errors") {
    CHECK_FALSE(parse_targets({"127.0.0.1/33"}, ip_family::any).ok());
    CHECK_FALSE(parse_targets({"127.0.0.1/x"}, ip_family::any).ok());
    CHECK_FALSE(parse_targets({"127.0.0.1/"}, ip_family::any).ok());
    CHECK_FALSE(parse_targets({"host/24"}, ip_family::any).ok());
    CHECK_FALSE(parse_targets({"no spaces"}, ip_family::any).ok());
    CHECK_FALSE(parse_targets({""}, ip_family::any).ok());
    CHECK_FALSE(parse_targets({}, ip_family::any).ok());
}

TEST_CASE("-4 and -6 refuse literals of the other family") {
    CHECK(parse_targets({"::1"}, ip_family::v4).error.find("-4") != std::string::npos);
    CHECK(parse_targets({"127.0.0.1"}, ip_family::v6).error.find("-6") != std::string::npos);
    CHECK(parse_targets({"127.0.0.0/30"}, ip_family::v6).error.find("-6") != std::string::npos);
    CHECK(parse_targets({"localhost"}, ip_family::v6).ok());
}

TEST_CASE("a name resolves to an IPv4 address first unless -6 as in nmap") {
    const auto any = resolve_name("localhost", ip_family::any);
    REQUIRE_FALSE(static_cast<bool>(any.error));
    CHECK(any.address == "127.0.0.1");
    CHECK(any.others == std::vector<std::string>{"::1"});
    CHECK(resolve_name("localhost", ip_family::v6).address == "::1");
    const auto bad = resolve_name("no-such-host.invalid", ip_family::any);
    CHECK(static_cast<bool>(bad.error));
}

TEST_CASE("a link-local block keeps the interface of its base address") {
    const auto r = parse_targets({"fe80::1%1/128", "fe80::2%1/127"}, ip_family::any);
    REQUIRE(r.ok());
    for (const auto& spec : r.specs)
        for (const auto& a : spec.addresses) {
            CAPTURE(a);
            CHECK(asio::ip::make_address(a).to_v6().scope_id() == 1);
        }
    CHECK(r.specs.at(1).addresses.size() == 2);
}

TEST_CASE("a link-local address without its interface is a usage error naming the fix") {
    for (const char* t : {"fe80::1", "fe80::/126", "[fe80::2]"}) {
        const auto r = parse_targets({t}, ip_family::any);
        CAPTURE(t);
        CHECK(r.error.find("interface") != std::string::npos);
    }
}

TEST_CASE("what is neither an address nor a host name never reaches the resolver") {
    // RFC 1123 2.1 / RFC 3696 2: labels start and end with a letter or digit, and the
    // last one is not all digits (so a mistyped IPv4 address is not a name).
    for (const char* t : {"300.1.1.1", "127.0.0.1-", "10.0.0.1-5", "1.2.3", "127.1", "12345", "-a.example", "a-.example",
                          "a..example", ".example", "a.-b", "a.1-2"}) {
        const auto r = parse_targets({t}, ip_family::any);
        CAPTURE(t);
        CHECK_FALSE(r.ok());
    }
    CHECK(parse_targets({"300.1.1.1"}, ip_family::any).error.find("IPv4") != std::string::npos);
    // The same on every OS, though Windows' own parser reads these as addresses.
    for (const char* t : {"127.1", "12345", "1.2.3"}) CHECK(parse_targets({t}, ip_family::any).error.find("IPv4") != std::string::npos);
    CHECK_FALSE(parse_targets({"127.1/32"}, ip_family::any).ok());
    for (const char* t : {"localhost", "localhost.", "db", "my-host.example", "a1.b2.example", "_srv.example", "1.example",
                          "xn--bcher-kva.example", "3com.com"}) {
        const auto r = parse_targets({t}, ip_family::any);
        CAPTURE(t);
        CHECK(r.ok());
    }
}

TEST_CASE("a target given twice is scanned once") {
    const auto r = parse_targets({"127.0.0.1", "127.0.0.1", "[127.0.0.1]", "127.0.0.0/30", "localhost", "LOCALHOST", "::1",
                                  "0:0::1"},
                                 ip_family::any);
    REQUIRE(r.ok());
    std::vector<std::string> addresses;
    int names = 0;
    for (const auto& s : r.specs) {
        addresses.insert(addresses.end(), s.addresses.begin(), s.addresses.end());
        names += s.hostname ? 1 : 0;
    }
    CHECK(addresses == std::vector<std::string>{"127.0.0.1", "127.0.0.0", "127.0.0.2", "127.0.0.3", "::1"});
    CHECK(names == 1);
}
