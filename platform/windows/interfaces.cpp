#include <winsock2.h>
#include <iphlpapi.h>
#include <ws2tcpip.h>

#include <vector>

#include "netlab/platform/interfaces.hpp"

namespace netlab::platform {
namespace {

std::string narrow(const wchar_t* w) {
    if (w == nullptr) return {};
    const int n = ::WideCharToMultiByte(CP_UTF8, 0, w, -1, nullptr, 0, nullptr, nullptr);
    if (n <= 1) return {};
    std::string s(static_cast<std::size_t>(n - 1), '\0');
    ::WideCharToMultiByte(CP_UTF8, 0, w, -1, s.data(), n, nullptr, nullptr);
    return s;
}

}  // namespace

std::vector<interface_address> interface_addresses() {
    std::vector<interface_address> out;
    ULONG size = 16 * 1024;
    std::vector<unsigned char> buf;
    ULONG rc = ERROR_BUFFER_OVERFLOW;
    for (int tries = 0; tries < 3 && rc == ERROR_BUFFER_OVERFLOW; ++tries) {
        buf.resize(size);
        rc = ::GetAdaptersAddresses(AF_UNSPEC, GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST | GAA_FLAG_SKIP_DNS_SERVER,
                                    nullptr, reinterpret_cast<IP_ADAPTER_ADDRESSES*>(buf.data()), &size);
    }
    if (rc != NO_ERROR) return out;
    for (auto* ad = reinterpret_cast<IP_ADAPTER_ADDRESSES*>(buf.data()); ad != nullptr; ad = ad->Next) {
        if (ad->OperStatus != IfOperStatusUp) continue;
        for (auto* u = ad->FirstUnicastAddress; u != nullptr; u = u->Next) {
            char text[INET6_ADDRSTRLEN] = {};
            DWORD len = sizeof text;
            if (::WSAAddressToStringA(u->Address.lpSockaddr, static_cast<DWORD>(u->Address.iSockaddrLength), nullptr,
                                      text, &len) != 0)
                continue;
            interface_address a;
            a.name = narrow(ad->FriendlyName);
            a.address = text;
            if (const auto pct = a.address.find('%'); pct != std::string::npos) a.address.resize(pct);
            a.ipv6 = u->Address.lpSockaddr->sa_family == AF_INET6;
            a.loopback = ad->IfType == IF_TYPE_SOFTWARE_LOOPBACK;
            a.link_local = a.ipv6 ? a.address.rfind("fe80", 0) == 0 : a.address.rfind("169.254.", 0) == 0;
            out.push_back(std::move(a));
        }
    }
    return out;
}

bool local_address_usable(const std::string& numeric) {
    // Winsock must be started in this process; counted, so this pairs with any other user.
    WSADATA data;
    if (::WSAStartup(MAKEWORD(2, 2), &data) != 0) return false;
    sockaddr_storage ss{};
    int len = 0;
    auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
    bool ok = false;
    if (::inet_pton(AF_INET, numeric.c_str(), &sin->sin_addr) == 1) {
        sin->sin_family = AF_INET;
        len = sizeof *sin;
    } else if (::inet_pton(AF_INET6, numeric.c_str(), &sin6->sin6_addr) == 1) {
        sin6->sin6_family = AF_INET6;
        len = sizeof *sin6;
    }
    if (len != 0) {
        const SOCKET s = ::socket(ss.ss_family, SOCK_DGRAM, IPPROTO_UDP);
        if (s != INVALID_SOCKET) {
            ok = ::bind(s, reinterpret_cast<const sockaddr*>(&ss), len) == 0;
            ::closesocket(s);
        }
    }
    ::WSACleanup();
    return ok;
}

// Windows answers on all of 127.0.0.0/8; a failure there is no missing alias.
std::string_view loopback_alias_advice() { return "this host does not answer on 127.0.0.2 and up"; }

}  // namespace netlab::platform
