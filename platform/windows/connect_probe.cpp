#include <winsock2.h>
#include <mstcpip.h>
#include <ws2tcpip.h>

#include <algorithm>

#include "netlab/platform/connect_probe.hpp"

// Newer than some SDKs' headers (MinGW-w64 lacks the first three).
#ifndef TCP_MAXRT
#define TCP_MAXRT 5
#endif
#ifndef TCP_MAXRTMS
#define TCP_MAXRTMS 14
#endif
#ifndef TCP_FAIL_CONNECT_ON_ICMP_ERROR
#define TCP_FAIL_CONNECT_ON_ICMP_ERROR 18
#endif

namespace netlab::platform {
namespace {

bool set_dword(native_socket s, int level, int name, DWORD value) {
    return ::setsockopt(static_cast<SOCKET>(s), level, name, reinterpret_cast<const char*>(&value), sizeof value) == 0;
}

}  // namespace

probe_options set_connect_probe_options(native_socket s, std::chrono::milliseconds timeout) {
    probe_options applied;
    // Give up retransmitting after the probe timeout: TCP_MAXRTMS (Windows 10 1607+) in
    // milliseconds, else TCP_MAXRT in whole seconds (at least 1).
    const auto ms = static_cast<DWORD>(std::clamp<long long>(timeout.count(), 1, 0x7fffffff));
    applied.max_retransmit_time = set_dword(s, IPPROTO_TCP, TCP_MAXRTMS, ms) ||
                                  set_dword(s, IPPROTO_TCP, TCP_MAXRT, std::max<DWORD>(1, (ms + 999) / 1000));
    // Fail the connect on an ICMP unreachable instead of waiting out the retries
    // (reported as WSAEHOSTUNREACH: a filtered port, as on POSIX).
    applied.fail_on_icmp_error = set_dword(s, IPPROTO_TCP, TCP_FAIL_CONNECT_ON_ICMP_ERROR, 1);
    // No SYN retransmission: a RST answers "closed" at once (Windows otherwise retries a
    // refused SYN for ~2 s); a lost SYN is the caller's retry to make, as nmap does.
    TCP_INITIAL_RTO_PARAMETERS rto{};
    rto.Rtt = TCP_INITIAL_RTO_UNSPECIFIED_RTT;
    rto.MaxSynRetransmissions = TCP_INITIAL_RTO_NO_SYN_RETRANSMISSIONS;
    DWORD returned = 0;
    applied.no_syn_retransmissions = ::WSAIoctl(static_cast<SOCKET>(s), SIO_TCP_INITIAL_RTO, &rto, sizeof rto,
                                                nullptr, 0, &returned, nullptr, nullptr) == 0;
    return applied;
}

bool connect_settled(native_socket) { return false; }

connect_progress start_connect(native_socket, const void*, std::size_t, std::error_code&) {
    return connect_progress::unsupported;
}

connect_progress connect_answer(native_socket, const void*, std::size_t, std::error_code&) {
    return connect_progress::unsupported;
}

// A socket whose ConnectEx failed cannot connect again.
bool reconnects_after_refusal() { return false; }

}  // namespace netlab::platform
