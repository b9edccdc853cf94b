// nmap's TCP port syntax (-p) as a pure function: "22", "22,80,443", "1-1024", "-" or
// "1-65535" for all, open-ended "8000-" and "-1024", service names with wildcards
// ("http,ssh", "http*"), an optional "T:" prefix. Bad input gives one line saying what
// is wrong and what is expected; nothing is read or printed here.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace netlab::scan {

struct port_spec_result {
    std::vector<std::uint16_t> ports;  // ascending, each port once
    std::string error;                 // non-empty when the spec is bad
    bool ok() const { return error.empty(); }
};

// Ports for a service name or pattern; empty when nothing matches.
using service_lookup = std::function<std::vector<std::uint16_t>(std::string_view name)>;

port_spec_result parse_port_spec(std::string_view spec, const service_lookup& lookup);

// With the built-in service table and the system's services database.
port_spec_result parse_port_spec(std::string_view spec);

}  // namespace netlab::scan
