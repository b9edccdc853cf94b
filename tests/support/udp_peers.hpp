// UDP end-to-end helpers: netlab udp-listen started on port 0 (its port read from its own
// listening event), python3 UDP peers that print the port they bound, and a free UDP port
// for peers that cannot take port 0 (nc, socat).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace netlab::test {

struct udp_listener {
    child process;
    unsigned short port = 0;
    nlohmann::json listening;
    // The next JSON line, or null at the deadline or the end.
    nlohmann::json next_event(std::chrono::milliseconds timeout = 10s);
    // Waits for exit; returns the exit code and every JSON line it printed after
    // `listening` that was not read yet.
    int finish(std::vector<nlohmann::json>& events, std::chrono::milliseconds timeout = 20s);
};

// `netlab --json udp-listen 0 ARGS...` (127.0.0.1 unless ARGS bind elsewhere). With
// `native`, this build's Linux binary even when the tests run netlab.exe under wine.
udp_listener start_udp_listen(const std::vector<std::string>& args, bool native = false);

// `python3 -c SCRIPT ARGS...`, where SCRIPT binds a UDP socket and prints its port first.
child start_python_udp(const std::string& script, unsigned short& port, const std::vector<std::string>& args = {});

// A UDP port on 127.0.0.1 that nothing uses right now (bound, then closed).
unsigned short unused_udp_port();

// The events of one kind, in order.
std::vector<nlohmann::json> events_of(const std::vector<nlohmann::json>& events, const std::string& kind);

// Every JSON line of a finished run.
std::vector<nlohmann::json> json_lines(const std::string& out);

}  // namespace netlab::test
