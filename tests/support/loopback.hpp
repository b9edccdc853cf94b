// Raw TCP on loopback for hostile-client tests: send exact bytes, read what comes back.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace netlab::test {

using namespace std::chrono_literals;

// Connects to 127.0.0.1:port, sends `request`, and reads until the server closes or the
// deadline passes. Returns everything received.
std::string exchange(unsigned short port, std::string_view request, std::chrono::milliseconds timeout = 20s);

// A connection kept open across several steps (slow clients, keep-alive, pipelining).
class raw_connection {
public:
    explicit raw_connection(unsigned short port);
    ~raw_connection();
    raw_connection(const raw_connection&) = delete;
    raw_connection& operator=(const raw_connection&) = delete;

    // The connection's own port: serve-http's events name it as the client, "127.0.0.1:PORT".
    unsigned short local_port() const;
    // "127.0.0.1:PORT", as serve-http's events write the client.
    std::string client() const;

    void send(std::string_view bytes);
    // Reads until `marker` has arrived (returned data ends after it) or the deadline.
    std::string read_until(std::string_view marker, std::chrono::milliseconds timeout = 20s);
    // Reads exactly n bytes, or fewer if the peer closes / the deadline passes.
    std::string read_exactly(std::size_t n, std::chrono::milliseconds timeout = 20s);
    // True if the server closed the connection (EOF or reset) within the deadline.
    bool closed_by_peer(std::chrono::milliseconds timeout = 20s);
    // One whole HTTP/1.1 response with a Content-Length body (or none): head + body.
    std::string read_response(std::chrono::milliseconds timeout = 20s);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace netlab::test
