// What the server reports. The server library never prints: serve-http turns these into
// human lines or JSON objects.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <exception>
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

// A connection opened (accepted and given a place under --max-connections) or closed; for
// -v. A closed one is reported once the server is done with it: after its last answer was
// logged, its place given back and its socket closed, so whoever reads it knows the
// server's state. A refusal over --max-connections is reported as closed only.
struct connection_record {
    std::int64_t unix_ms = 0;
    std::string_view client;  // "127.0.0.1:51234"
    bool closed = false;      // else opened
    bool refused = false;     // answered 503 over --max-connections; never held a place
    unsigned worker = 0;      // the worker (thread) it went to, or that closed it
    std::uint64_t open = 0;   // connections holding a place right after this one opened or closed
    // Closed only:
    std::string_view reason;        // why, in words: "client closed", "idle timeout", ...
    std::uint64_t requests = 0;     // answers sent on it
    double since_accept_ms = 0;     // from accept to close
    double idle_ms = -1;            // closed while waiting for a request: for how long; else < 0
    double since_first_byte_ms = -1;  // closed with a request partly received: since its first bytes; else < 0
};

// serve-http --tls: a client's TLS handshake failed (bytes that are not TLS, no version or
// cipher in common, a corrupted record, a client that gave up or was too slow). Reported
// once per connection that began one; a connection that sent nothing is not reported.
struct tls_failure_record {
    std::int64_t unix_ms = 0;
    std::string_view client;  // "127.0.0.1:51234"
    std::string_view reason;  // "wrong version number (the client does not speak TLS?)"
    bool refused = false;     // the connection was over --max-connections (its 503 was due)
};

// A stop signal was taken (Ctrl-C, SIGTERM), or shutdown moved on to its next stage.
struct shutdown_record {
    std::string_view stage;   // "grace": finishing responses in flight; "cut_off": closing what
                              // is left; "stop": stopping at once (a third signal)
    std::string_view reason;  // cut_off: why ("stopped by a second Ctrl-C", "shutdown: the 5 s grace period ended")
    double grace_s = 0;       // the grace period
    std::uint64_t open = 0;   // connections still open at that moment
};

// A worker has been busy in one answer from the file system (a long listing, a slow disk)
// for long enough that new connections go to other workers meanwhile; for -v.
struct worker_busy_record {
    unsigned worker = 0;
    double busy_ms = 0;
};

// A worker gave memory back to the OS after a burst of connections ended; for -v.
struct memory_record {
    unsigned worker = 0;
    std::uint64_t connections = 0;  // it holds now
    std::uint64_t peak = 0;         // it held at most since the last time
};

struct server_stats {
    std::uint64_t connections = 0;
    std::uint64_t requests = 0;
    std::uint64_t bytes = 0;        // body bytes sent
    std::uint64_t client_errors = 0;  // 4xx responses: answers about the client's request
    std::uint64_t server_errors = 0;  // 5xx responses, refusals over --max-connections included
    std::uint64_t timeouts = 0;     // connections ended by a header, body, idle or send timeout
    std::uint64_t refused = 0;      // connections refused over --max-connections (with a 503 where it could be sent)
    std::uint64_t cut_off = 0;      // responses not sent in full (shutdown, reset, timeout)
    std::uint64_t tls_failures = 0; // failed TLS handshakes
    double uptime_s = 0;
    double shutdown_s = 0;          // from the stop signal to the end
};

struct server_events {
    std::function<void(const listening_info&)> on_listening;
    std::function<void(const request_record&)> on_request;  // from any worker thread
    std::function<void(const dump_record&)> on_dump;        // from any worker thread
    std::function<void(const tls_failure_record&)> on_tls_failure;  // from any worker thread
    std::function<void(const shutdown_record&)> on_shutdown;  // from the acceptor's thread
    std::function<void(const workers_record&)> on_workers;  // from the acceptor's thread
    // Detail for -v. Left empty, they cost nothing: set them only when they are shown.
    std::function<void(const connection_record&)> on_connection;   // from any thread
    std::function<void(const worker_busy_record&)> on_worker_busy;  // from the acceptor's thread
    std::function<void(const memory_record&)> on_memory_released;  // from any worker thread
    // An exception escaped a handler (a bug, or a resource that ran out: the exception
    // itself, so the edge can word a resource error as everywhere else): reported, and the
    // server goes on serving.
    std::function<void(const std::exception&)> on_internal_error;  // from any thread
};

}  // namespace netlab::server
