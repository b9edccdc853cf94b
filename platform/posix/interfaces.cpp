#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "netlab/platform/interfaces.hpp"

namespace netlab::platform {

std::vector<interface_address> interface_addresses() {
    std::vector<interface_address> out;
    ifaddrs* list = nullptr;
    if (::getifaddrs(&list) != 0) return out;
    for (const ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
        if (i->ifa_addr == nullptr || !(i->ifa_flags & IFF_UP)) continue;
        char text[INET6_ADDRSTRLEN] = {};
        interface_address a;
        a.name = i->ifa_name;
        a.loopback = (i->ifa_flags & IFF_LOOPBACK) != 0;
        if (i->ifa_addr->sa_family == AF_INET) {
            const auto* sin = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
            ::inet_ntop(AF_INET, &sin->sin_addr, text, sizeof text);
            const auto b = reinterpret_cast<const unsigned char*>(&sin->sin_addr);
            a.link_local = b[0] == 169 && b[1] == 254;
        } else if (i->ifa_addr->sa_family == AF_INET6) {
            const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(i->ifa_addr);
            ::inet_ntop(AF_INET6, &sin6->sin6_addr, text, sizeof text);
            a.ipv6 = true;
            a.link_local = sin6->sin6_addr.s6_addr[0] == 0xfe && (sin6->sin6_addr.s6_addr[1] & 0xc0) == 0x80;
        } else {
            continue;
        }
        a.address = text;
        out.push_back(std::move(a));
    }
    ::freeifaddrs(list);
    return out;
}

bool local_address_usable(const std::string& numeric) {
    sockaddr_storage ss{};
    socklen_t len = 0;
    auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
    if (::inet_pton(AF_INET, numeric.c_str(), &sin->sin_addr) == 1) {
        sin->sin_family = AF_INET;
        len = sizeof *sin;
    } else if (::inet_pton(AF_INET6, numeric.c_str(), &sin6->sin6_addr) == 1) {
        sin6->sin6_family = AF_INET6;
        len = sizeof *sin6;
    } else {
        return false;
    }
    const int fd = ::socket(ss.ss_family, SOCK_DGRAM, 0);
    if (fd < 0) return false;
    const bool ok = ::bind(fd, reinterpret_cast<const sockaddr*>(&ss), len) == 0;
    ::close(fd);
    return ok;
}

// Only macOS and the BSDs ever need it: Linux answers on all of 127.0.0.0/8.
std::string_view loopback_alias_advice() {
    return "macOS and the BSDs answer only on 127.0.0.1 unless aliases are added, e.g. "
           "`sudo ifconfig lo0 alias 127.0.0.2 up` (and .3, .4, ...)";
}

}  // namespace netlab::platform
