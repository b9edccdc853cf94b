// What the server reports. The server library never prints: serve-http turns these into
// human lines or JSON objects.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace netlab::server {

struct listening_info {
    std::string address;            // as bound: "::", "0.0.0.0", "127.0.0.1"
    std::uint16_t port = 0;
    bool dual_stack = false;
    std::vector<std::string> urls;  // where a person can reach it
    std::string root;               // absolute folder being served
    unsigned threads = 1;
};

struct request_record {
    std::int64_t unix_ms = 0;  // when the response was finished
    std::string_view client;   // "127.0.0.1:51234"
    std::string_view method;
    std::string_view target;
    std::string_view version;  // "HTTP/1.1"
    int status = 0;
    std::uint64_t bytes = 0;   // body bytes sent
    double duration_ms = 0;    // from complete head to response sent
    std::string_view error;    // why a malformed request was refused; empty otherwise
};

struct dump_record {
    std::string_view client;
    std::string_view head;      // request line and headers exactly as received
    std::uint64_t body_bytes = 0;
};

struct server_stats {
    std::uint64_t connections = 0;
    std::uint64_t requests = 0;
    std::uint64_t bytes = 0;        // body bytes sent
    std::uint64_t client_errors = 0;  // 4xx responses
    std::uint64_t server_errors = 0;  // 5xx responses
    std::uint64_t timeouts = 0;     // connections closed for a header or idle timeout
    double uptime_s = 0;
};

struct server_events {
    std::function<void(const listening_info&)> on_listening;
    std::function<void(const request_record&)> on_request;  // from any worker thread
    std::function<void(const dump_record&)> on_dump;        // from any worker thread
    std::function<void(std::string_view)> on_notice;        // shutting down, ...
};

}  // namespace netlab::server
