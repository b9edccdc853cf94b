// Service names for TCP ports, both ways: the built-in table of the 1000 most common
// ports (top_ports.cpp; its source is documented there and in docs/portscan.md) and the
// system's services database (/etc/services) for the rest.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace netlab::scan {

inline constexpr std::size_t top_port_count = 1000;

struct service_entry {
    std::uint16_t port;
    std::string_view name;
};

// Most common first (nmap's open-frequency order).
const std::array<service_entry, top_port_count>& top_ports_table();

// The first `n` (1..1000) ports of the table, ascending.
std::vector<std::uint16_t> top_ports(std::size_t n);

// A services database: TCP lines only, "name port/tcp [aliases...] [# comment]".
struct services_db {
    std::unordered_map<std::uint16_t, std::string> name_of;                 // the first name given for a port
    std::unordered_map<std::string, std::vector<std::uint16_t>> ports_of;  // lower-case name or alias
};

// Parses the text of a services file; malformed lines are skipped.
services_db parse_services(std::string_view text);

// The system's database, read once (empty when the file is missing).
const services_db& system_services();

// The port's name: the built-in table's, else the system's, else "unknown".
std::string service_name(std::uint16_t port);

// Ports whose name matches `pattern` (case-insensitive; '*' and '?' wildcards as in
// nmap's -p): those of the built-in table, else those of the system database. Ascending.
std::vector<std::uint16_t> ports_named(std::string_view pattern);

// The same against the given database only (for tests).
std::vector<std::uint16_t> ports_named(std::string_view pattern, const services_db& system);

// Glob match, case-insensitive: '*' any run, '?' one character.
bool name_matches(std::string_view pattern, std::string_view name);

}  // namespace netlab::scan
