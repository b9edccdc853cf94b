// The host's own addresses, so a server bound to all interfaces can say where else it
// can be reached (the LAN URLs people click from another machine).
#pragma once

#include <string>
#include <vector>

namespace netlab::platform {

struct interface_address {
    std::string name;     // "eth0", "Ethernet"
    std::string address;  // numeric, without zone: "192.168.1.20", "fe80::1"
    bool ipv6 = false;
    bool loopback = false;
    bool link_local = false;
};

// Up interfaces' unicast addresses; empty if they cannot be listed.
std::vector<interface_address> interface_addresses();

}  // namespace netlab::platform
