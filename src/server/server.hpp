// serve-http's engine: listens, accepts, hands each connection to a worker thread, and
// stops gracefully on Ctrl-C / SIGTERM. Reports through server_events; never prints.
#pragma once

#include <memory>
#include <system_error>

#include "server/config.hpp"
#include "server/events.hpp"

namespace netlab::server {

class server {
public:
    server(server_config config, server_events events);
    ~server();
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    // Checks the folder and opens the listening socket(s); reports on_listening.
    std::error_code start();

    // Serves until interrupted (SIGINT, SIGTERM, Ctrl-C), then lets in-flight responses
    // finish within the grace period. Returns the totals.
    server_stats run();

    // The listening port (useful with port 0) once start() succeeded.
    std::uint16_t port() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace netlab::server
