// A TCP server on loopback that answers each connection with canned steps: read the
// request, send bytes, pause, close, reset, or hold the connection open without a word.
// For the responses real servers never send: truncated bodies, garbage, 1xx, huge heads,
// redirect loops. Port 0 only; runs on its own thread; every wait in it is bounded by the
// server's lifetime. A connection that closes without sending a byte (another test's port
// scan) takes no script and is not counted.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace netlab::test {

using namespace std::chrono_literals;

struct step {
    enum class kind { read_request, send, pause, close, reset, hold };
    kind what = kind::close;
    std::string bytes;
    std::chrono::milliseconds delay{0};
};

// Reads one request head and the Content-Length body after it (recorded in requests()).
step read_request();
step send(std::string bytes);
step pause(std::chrono::milliseconds d);
// Closes with FIN (orderly).
step close_connection();
// Closes with RST (SO_LINGER 0).
step reset_connection();
// Keeps the connection open, saying nothing, until the server goes away.
step hold();

using script = std::vector<step>;

// read_request, send(bytes), close.
script reply(std::string bytes);

class scripted_server {
public:
    // The i-th connection to send something follows scripts[i], the last script for all
    // later ones.
    explicit scripted_server(std::vector<script> scripts, const std::string& address = "127.0.0.1");
    ~scripted_server();
    scripted_server(const scripted_server&) = delete;
    scripted_server& operator=(const scripted_server&) = delete;

    unsigned short port() const;
    // "http://127.0.0.1:PORT/path"
    std::string url(const std::string& path = "/") const;
    // Every request received so far (head and body), in order.
    std::vector<std::string> requests() const;
    // Connections that sent something.
    int connections() const;
    // True once `n` requests have been read (read_request steps), false at the deadline.
    bool wait_for_requests(std::size_t n, std::chrono::milliseconds timeout = 20s) const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

// A listener whose accept queue is full and never served: a connect to it gets no
// answer at all (the SYN is dropped), as with a host that has vanished.
class full_backlog_listener {
public:
    explicit full_backlog_listener(const std::string& address = "127.0.0.1");
    ~full_backlog_listener();
    full_backlog_listener(const full_backlog_listener&) = delete;
    full_backlog_listener& operator=(const full_backlog_listener&) = delete;
    unsigned short port() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

// A loopback port (127.0.0.1) that refuses connections: bound and never listening, held
// until the test process ends, so no other program can take it in the meantime.
unsigned short unused_port();

// A loopback port free right now, for a peer that must bind it itself (nginx, openssl
// s_server): bound without listening, then released. The peer may still lose it to
// another program; it then fails with "address already in use".
unsigned short free_port_for_peer();

}  // namespace netlab::test
