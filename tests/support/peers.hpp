// HTTP servers we did not write, started on a free loopback port and stopped by PID:
// python3's http.server and nginx. A test without the program skips (scripts/test
// installs both).
#pragma once

#include <optional>
#include <string>

#include "support/process.hpp"

namespace netlab::test {

struct http_peer {
    child process;
    unsigned short port = 0;
    std::string url(const std::string& path = "/") const;
};

// python3 -m http.server's handler serving `root`, bound to 127.0.0.1 port 0 by a small
// script that prints the port it got. nullopt when python3 is missing.
std::optional<http_peer> start_python_http(const std::string& root);

// nginx in the foreground (daemon off, master_process off) serving `root`, with its
// config, logs, pid and temp files in `work`. `extra_locations` goes into the server
// block as is. Listens on 127.0.0.1:PORT and [::1]:PORT; a port taken in the meantime
// is retried with another. nullopt when nginx is missing.
std::optional<http_peer> start_nginx(const std::string& root, const std::string& work,
                                     const std::string& extra_locations = {});

// The same, for tests that need the peer: a missing program throws (failing the test),
// so a machine without it cannot pass silently.
http_peer require_python_http(const std::string& root);
http_peer require_nginx(const std::string& root, const std::string& work, const std::string& extra_locations = {});

// True once a TCP connect to 127.0.0.1:port succeeds within the deadline.
bool wait_for_port(unsigned short port, std::chrono::milliseconds timeout = 5s);

}  // namespace netlab::test
