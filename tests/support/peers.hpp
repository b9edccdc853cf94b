// HTTP servers we did not write, started on a free loopback port and stopped by PID:
// python3's http.server and nginx. A test without the program skips (scripts/test
// installs both).
#pragma once

#include <optional>
#include <string>

#include <vector>

#include "support/certificates.hpp"
#include "support/process.hpp"

namespace netlab::test {

struct http_peer {
    child process;
    unsigned short port = 0;
    std::string scheme = "http";
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

// nginx with TLS on one port, answering by SNI: `localhost` (also the default server,
// for IP-literal URLs) with `first`, `other.test` with `second`; `extra` goes into both
// server blocks. Throws when nginx is missing.
std::optional<http_peer> start_nginx_tls(const std::string& root, const std::string& work, const key_pair& first,
                                         const key_pair& second, const std::string& extra = {});
http_peer require_nginx_tls(const std::string& root, const std::string& work, const key_pair& first,
                            const key_pair& second, const std::string& extra = {});

// `openssl s_server` with `kp` on 127.0.0.1 and `options` (e.g. "-www", "-tls1_2").
http_peer require_openssl_server(const key_pair& kp, const std::vector<std::string>& options);

// python3's http.server behind its ssl module, serving `root` with `kp`; with a
// `client_ca`, it requires a client certificate issued by that CA (ssl.CERT_REQUIRED).
http_peer require_python_https(const std::string& root, const key_pair& kp, const std::string& client_ca = {});

// True once a TCP connect to 127.0.0.1:port succeeds within the deadline.
bool wait_for_port(unsigned short port, std::chrono::milliseconds timeout = 5s);

}  // namespace netlab::test
