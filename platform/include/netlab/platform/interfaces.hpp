// The host's own addresses, so a server bound to all interfaces can say where else it
// can be reached (the LAN URLs people click from another machine).
#pragma once

#include <string>
#include <string_view>
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

// Whether this host can use `numeric` (an IPv4 or IPv6 address) as a local address,
// found out by binding a UDP socket to it on port 0. Linux and Windows answer on all of
// 127.0.0.0/8, so 127.0.0.2 works there out of the box; macOS and the BSDs answer only
// on 127.0.0.1 unless aliases were added to lo0.
bool local_address_usable(const std::string& numeric);

// One sentence on how to make 127.0.0.2, 127.0.0.3, ... usable where they are not.
std::string_view loopback_alias_advice();

}  // namespace netlab::platform
