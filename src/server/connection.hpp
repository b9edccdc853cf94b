// One client connection: a coroutine that reads request heads, answers them in order
// (pipelined or not), and keeps the connection alive as HTTP/1.1 allows. Each phase sets
// a deadline that the worker's reaper enforces, so a slow or silent client cannot hold a
// connection, and an idle one holds no buffers (they return to the worker's pool).
#pragma once

#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <system_error>

namespace netlab::tls {
class server_stream;
}

namespace netlab::server {

class worker;
struct request_state;
struct response;

class connection : public std::enable_shared_from_this<connection> {
public:
    // `accepted`: when the connection was accepted; the first request's header timeout
    // counts from then (as nginx's client_header_timeout does), so a silent connection
    // holds a place for that long, not for the idle timeout.
    connection(asio::ip::tcp::socket socket, worker& owner, std::chrono::steady_clock::time_point accepted);
    // What a connection carries when it moves to another worker between requests.
    struct moved_state {
        std::string client;
        std::chrono::steady_clock::time_point deadline;
        bool first_request = true;
        std::chrono::steady_clock::time_point accepted, idle_since;
        std::uint64_t answered = 0;
    };
    // The connection that goes on, on `owner`, from where another worker left it.
    connection(asio::ip::tcp::socket socket, worker& owner, moved_state from);
    ~connection();

    // Starts the request loop on the socket's executor.
    void start();

    // Shutdown: close now if waiting for a request, else after the current response.
    void drain();

    // Called by the reaper: ends the connection if its deadline has passed. Waiting for a
    // request or reading one, the wait is cancelled (after a 408 where one is due) and
    // serve() ends it, so the 408 is logged and the place given back before the client
    // sees the close; sending, the socket is closed at once.
    void expire_if_late(std::chrono::steady_clock::time_point now);

    // Closes the connection now (shutdown's grace has ended); a response in flight is
    // reported as cut off for `reason`.
    void cut_off(std::string_view reason);

private:
    asio::awaitable<void> serve();
    // Between requests, if the balancer asked this worker to give connections away: the
    // socket leaves this worker's io_context and a new connection on the other worker
    // takes it. True when it went; this one then ends without closing anything.
    bool move_if_asked();
    // serve-http --tls: a plaintext request gets a plain 400; otherwise the handshake,
    // within the first request's header timeout; a failed one is reported once. False
    // when the connection must end.
    asio::awaitable<bool> start_tls();
    asio::awaitable<void> refuse_plain_http();
    // The socket's reads and writes, through TLS when it is on.
    asio::awaitable<std::size_t> read_some(asio::mutable_buffer buffer, std::error_code& ec);
    asio::awaitable<std::size_t> write_some(std::span<const asio::const_buffer> buffers, std::error_code& ec);
    asio::awaitable<std::size_t> write_all(std::span<const asio::const_buffer> buffers, std::error_code& ec);
    // A file body over TLS: read in pieces and encrypted (no zero-copy path).
    asio::awaitable<std::error_code> send_file_encrypted(response& res, std::uint64_t& sent_body,
                                                         const std::function<void(std::size_t)>& progress);
    // Reads, answers and consumes one request; false when the connection must end.
    asio::awaitable<bool> handle_one(request_state& st);
    enum class body_result { read, rejected, failed };  // rejected: an error reply is set
    asio::awaitable<body_result> read_body(request_state& st);
    void echo(request_state& st);
    asio::awaitable<void> lingering_close();
    // Sends st.res and counts it; an error says it was not sent in full.
    asio::awaitable<std::error_code> send(request_state& st);
    void set_deadline(std::chrono::steady_clock::duration from_now);
    void close_for(std::string_view reason);
    // Gives the connection's place under --max-connections back; once, and never for a
    // connection whose socket moved on (the one that took it holds the place).
    void release_slot();
    // The end of serve(): the place given back, then the socket closed, then reported.
    void end();
    void report_closed() const;
    std::string ending_words() const;
    void answer_timeout();
    void report_timeout(request_state& st, std::chrono::steady_clock::time_point started);
    std::string cut_off_reason(std::error_code send_error) const;
    void log_request(const request_state& st, std::chrono::steady_clock::time_point started,
                     std::string_view cut_off, std::string_view error = {}) const;

    asio::ip::tcp::socket socket_;
    std::unique_ptr<tls::server_stream> tls_;  // set once a TLS handshake succeeded
    std::chrono::steady_clock::time_point deadline_;
    worker& owner_;
    std::string client_;   // "ip:port", rendered once
    // What the connection waits for; the reaper's words for a timeout depend on it.
    // handshake: TLS bytes have come, the handshake is under way (the header timeout runs).
    enum class phase { idle, handshake, head, body, sending, closing };
    phase phase_ = phase::idle;
    bool draining_ = false;
    bool moved_ = false;  // the socket went on to another worker's connection
    unsigned pause_epoch_ = 0;  // for worker::note_pause
    bool first_request_ = true;  // its head is still due by accept + header timeout
    bool linger_ = false;  // unread request bytes may remain: close gently
    std::string close_reason_;  // why we closed the socket ourselves (timeout, shutdown)
    bool expired_ = false;      // the reaper ended it (a deadline passed)
    bool slot_released_ = false;
    std::uint64_t open_after_release_ = 0;  // connections holding a place once this one gave its back
    // How serve() ended, for the connection event (put in words only when reported).
    enum class ending { none, read_failed, drained, answered_close, send_failed, plaintext, tls_failed, internal_error };
    ending ending_ = ending::none;
    std::error_code end_error_;     // read_failed, send_failed
    std::string tls_failure_;       // tls_failed
    enum class linger_end { none, client, deadline, bytes, error } linger_end_ = linger_end::none;
    std::error_code linger_error_;
    std::chrono::steady_clock::time_point accepted_;
    std::chrono::steady_clock::time_point idle_since_;     // waiting for a request since; {} when not
    std::chrono::steady_clock::time_point request_began_;  // a request's first bytes; {} when none is in progress
    std::uint64_t answered_ = 0;
    // The 408 sent when a request did not arrive in time (answer_timeout), for the log.
    struct late_answer {
        bool sent = false;
        bool complete = false;
        std::uint64_t body_sent = 0;
    } late_answer_;
};

}  // namespace netlab::server
