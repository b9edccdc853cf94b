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
    std::string root;               // absolute folder being served (checked even with --echo)
    unsigned threads = 1;
    bool echo = false;              // answering every request with itself, not serving files
    // With TLS: the certificate's SHA-256 fingerprint ("AB:CD:...") and PEM, so a script
    // can trust exactly this server (get --cacert); both empty without TLS.
    std::string tls_fingerprint;
    std::string tls_certificate_pem;
};

// One answer sent (in full or not): every response is reported once, including 503s
// refused over --max-connections and responses cut off by shutdown or the client.
struct request_record {
    std::int64_t unix_ms = 0;  // when the response was finished
    std::string_view client;   // "127.0.0.1:51234"
    std::string_view method;   // "-" when no request head could be read
    std::string_view target;   // "-" likewise
    std::string_view version;  // "HTTP/1.1"
    int status = 0;
    std::uint64_t bytes = 0;   // body bytes actually sent
    double duration_ms = 0;    // from complete head to response sent
    std::string_view error;    // why the request was refused (malformed, too many connections); empty otherwise
    std::string_view cut_off;  // why the response was not sent in full; empty when it was
    std::uint64_t expected_bytes = 0;  // the body length the response announced (set when cut off)
    std::uint64_t listing_shown = 0;   // a listing cut at its limit: the entries it shows
    std::uint64_t listing_entries = 0; // and the entries in the folder; both 0 when not cut
};

struct dump_record {
    std::string_view client;
    std::string_view head;      // request line and headers exactly as received
    std::uint64_t body_bytes = 0;
    std::string_view body;      // the body's first bytes, at most server_config::max_dump_body
};

// The balancer changed how many workers take connections (see balance.hpp).
struct workers_record {
    unsigned active = 1;   // workers taking connections now
    unsigned threads = 1;  // workers there are (--threads)
    std::string_view reason;
};

struct server_stats {
    std::uint64_t connections = 0;
    std::uint64_t requests = 0;
    std::uint64_t bytes = 0;        // body bytes sent
    std::uint64_t client_errors = 0;  // 4xx responses: answers about the client's request
    std::uint64_t server_errors = 0;  // 5xx responses, refusals over --max-connections included
    std::uint64_t timeouts = 0;     // connections closed for a header or idle timeout
    std::uint64_t refused = 0;      // 503s over --max-connections
    std::uint64_t cut_off = 0;      // responses not sent in full (shutdown, reset, timeout)
    double uptime_s = 0;
};

struct server_events {
    std::function<void(const listening_info&)> on_listening;
    std::function<void(const request_record&)> on_request;  // from any worker thread
    std::function<void(const dump_record&)> on_dump;        // from any worker thread
    std::function<void(std::string_view)> on_notice;        // shutting down, ...
    std::function<void(const workers_record&)> on_workers;  // from the acceptor's thread
    // An exception escaped a handler (a bug): reported, and the server goes on serving.
    std::function<void(std::string_view)> on_internal_error;  // from any thread
};

}  // namespace netlab::server
