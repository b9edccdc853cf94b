#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "scan/services.hpp"

using namespace netlab::scan;

TEST_CASE("the built-in table holds 1000 distinct ports with the most common first") {
    const auto& t = top_ports_table();
    std::set<std::uint16_t> seen;
    for (const auto& e : t) {
        CHECK(e.port > 0);
        CHECK_FALSE(e.name.empty());
        seen.insert(e.port);
    }
    CHECK(seen.size() == top_port_count);
    CHECK(t[0].port == 80);
    CHECK(t[0].name == "http");
}

TEST_CASE("top_ports gives the first N in ascending order") {
    const auto ten = top_ports(10);
    CHECK(ten.size() == 10);
    CHECK(std::is_sorted(ten.begin(), ten.end()));
    CHECK(std::find(ten.begin(), ten.end(), 22) != ten.end());
    CHECK(top_ports(5000).size() == top_port_count);
}

TEST_CASE("a services file is parsed for TCP lines with names and aliases") {
    const auto db = parse_services(
        "# comment\n"
        "ftp\t\t21/tcp\n"
        "fsp\t\t21/udp\t\tfspd\n"
        "smtp\t\t25/tcp\t\tmail\t# Simple Mail\r\n"
        "bad line\n"
        "http-alt\t8080/tcp\twebcache\n"
        "toolarge\t70000/tcp\n");
    CHECK(db.name_of.at(21) == "ftp");
    CHECK(db.name_of.at(25) == "smtp");
    CHECK(db.ports_of.at("mail") == std::vector<std::uint16_t>{25});
    CHECK(db.ports_of.at("webcache") == std::vector<std::uint16_t>{8080});
    CHECK(db.ports_of.count("fsp") == 0);
    CHECK(db.name_of.size() == 3);
}

TEST_CASE("names are found in the built-in table first and then in the system database") {
    const auto db = parse_services("myservice 4321/tcp\nhttp 8888/tcp\n");
    CHECK(ports_named("ssh", db) == std::vector<std::uint16_t>{22});
    CHECK(ports_named("SSH", db) == std::vector<std::uint16_t>{22});
    CHECK(ports_named("myservice", db) == std::vector<std::uint16_t>{4321});
    const auto http = ports_named("http", db);  // the built-in table wins
    CHECK(std::find(http.begin(), http.end(), 80) != http.end());
    CHECK(std::find(http.begin(), http.end(), 8888) == http.end());
    CHECK(ports_named("nosuch", db).empty());
    CHECK(ports_named("unknown", db).empty());
}

TEST_CASE("patterns match with * and ?") {
    CHECK(name_matches("http*", "https"));
    CHECK(name_matches("http*", "http"));
    CHECK(name_matches("*sql*", "ms-sql-s"));
    CHECK(name_matches("ss?", "ssh"));
    CHECK_FALSE(name_matches("ss?", "sshd"));
    CHECK_FALSE(name_matches("http", "https"));
}

TEST_CASE("a * in a pattern is a wildcard even where the name holds a * itself") {
    // Found by tests/fuzz/fuzz_port_spec against a plain recursive glob: the literal match
    // was tried first, so the '*' never got the chance to stand for "*b".
    CHECK(name_matches("*a", "*ba"));
    CHECK(name_matches("**a?*", "x*ab"));
    CHECK_FALSE(name_matches("*a", "*b"));
}

TEST_CASE("a port's name comes from the built-in table first") {
    CHECK(service_name(22) == "ssh");
    CHECK(service_name(443) == "https");
    CHECK_FALSE(service_name(65000).empty());
}
