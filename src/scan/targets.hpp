// What to scan: host names, IPv4 and IPv6 literals, CIDR blocks (every address of the
// block, network and broadcast included, as nmap does), at most 65,536 addresses in all.
// Parsing is pure; resolving a name asks the system resolver.
#pragma once

#include <cstdint>
#include <string>
#include <system_error>
#include <vector>

namespace netlab::scan {

enum class ip_family { any, v4, v6 };

inline constexpr std::uint64_t max_addresses = 65536;

struct target_spec {
    std::string text;                    // as given
    bool hostname = false;               // to be resolved
    std::vector<std::string> addresses;  // literal or block: every address, ascending
};

struct targets_result {
    std::vector<target_spec> specs;
    std::string error;  // one line: what is wrong and what is expected
    bool ok() const { return error.empty(); }
};

targets_result parse_targets(const std::vector<std::string>& texts, ip_family family);

struct resolved_name {
    std::string address;              // the one to scan
    std::vector<std::string> others;  // also found, not scanned
    std::error_code error;
};

// The system resolver's answer for a host name: nmap's choice of address (the first
// IPv4 one unless -6 is given, else the first of the other family). "localhost" is
// answered without a resolver: 127.0.0.1, or ::1 with -6 (RFC 6761 §6.3).
resolved_name resolve_name(const std::string& host, ip_family family);

}  // namespace netlab::scan
