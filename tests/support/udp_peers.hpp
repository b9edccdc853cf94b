// UDP end-to-end helpers: netlab udp-listen started on port 0 (its port read from what it
// prints), python3 UDP peers that print the port they bound, and a free UDP port for
// peers that cannot take port 0 (nc, socat).
#pragma once

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

}  // namespace netlab::test
