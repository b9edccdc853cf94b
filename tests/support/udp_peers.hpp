// UDP end-to-end helpers: netlab udp-listen started on port 0 (its port read from what it
// prints), python3 UDP peers that print the port they bound, and a free UDP port for
// peers that cannot take port 0 (nc, socat).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "support/netlab_server.hpp"
#include "support/process.hpp"

namespace netlab::test {

// `netlab --json udp-listen 0 ARGS...` (on 127.0.0.1 unless ARGS bind elsewhere). With
// `native`, this build's Linux binary even when the tests run netlab.exe under wine.
netlab_server start_udp_listen(const std::vector<std::string>& args, bool native = false);

// The same without --json, as a person sees it; the port comes from the banner.
netlab_server start_human_udp_listen(const std::vector<std::string>& args);

// `python3 -c SCRIPT ARGS...`, where SCRIPT binds a UDP socket and prints its port first.
child start_python_udp(const std::string& script, unsigned short& port, const std::vector<std::string>& args = {});

// A UDP port on 127.0.0.1 that nothing uses right now (bound, then closed).
unsigned short unused_udp_port();

// True once a UDP socket is bound to `port` on this host, as the kernel's own table says
// (/proc/net/udp, udp6): for peers that print nothing when ready (nc -u -l, socat). False
// when `peer` exits first or the deadline passes.
bool wait_for_udp_port(unsigned short port, child& peer, std::chrono::milliseconds timeout = 20s);

// True when the socket bound to UDP `port` has nothing waiting to be read (or there is
// none): its program has taken every datagram from the kernel.
bool udp_queue_empty(unsigned short port);

// Datagrams the kernel dropped at this socket so far (its receive buffer was full), from
// SO_MEMINFO.
std::uint64_t socket_drops(int fd);

}  // namespace netlab::test
