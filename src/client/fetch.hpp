// The `get` transfer: resolve, connect (and TLS for https://), send one request, read the response with its
// framing, follow redirects when asked. Never prints: what happens is reported through
// get_events and the outcome is returned as a value with a get_error.
#pragma once

#include <asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "client/body_sink.hpp"
#include "client/connect.hpp"
#include "client/errors.hpp"
#include "client/progress.hpp"
#include "client/request.hpp"
#include "client/timing.hpp"
#include "tls/tls.hpp"

namespace netlab::client {

// Limits (DESIGN habit 4).
// One fixed buffer per transfer. 128 KiB measured best on loopback (bench/get.sh):
// 64 KiB costs more recv calls, 512 KiB left the sender idle longer.
inline constexpr std::size_t recv_buffer_bytes = 128 * 1024;
// A read of body bytes this big or bigger goes to the writer thread as the buffer it was
// read into, without a copy; a smaller one is copied, so a trickle of small reads does
// not tie up whole buffers.
inline constexpr std::size_t handover_bytes = 32 * 1024;
inline constexpr std::size_t max_response_head_bytes = 64 * 1024;
inline constexpr int max_interim_responses = 20;               // 1xx before the final one
inline constexpr std::uint64_t max_drained_redirect_body = 1024 * 1024;  // else reconnect
// Body bytes read but not yet written (the writer thread is behind): 8 receive buffers.
inline constexpr std::size_t write_queue_bytes = 8 * recv_buffer_bytes;
// How long the writer may still take after a timeout or a stop signal to write what arrived.
inline constexpr std::chrono::milliseconds writer_grace{200};
inline constexpr std::chrono::seconds default_connect_timeout{300};       // curl's

struct get_options {
    std::string url;
    std::string method;  // empty: GET, POST with a body, HEAD with head_only
    bool head_only = false;
    // Every head that is not interim (the final one, redirects followed) goes to the body
    // sink before the body, as curl's -i and -I write it.
    bool include_head = false;
    std::vector<user_header> headers;
    std::optional<std::string> body;
    bool form_content_type = true;
    std::string user_agent;
    bool follow_redirects = false;
    int max_redirects = 50;  // -1: no limit
    bool fail_on_http_error = false;
    ip_family family = ip_family::any;
    std::vector<resolve_override> resolve;  // --resolve
    tls::client_config tls;                 // for https:// URLs
    std::chrono::milliseconds connect_timeout = default_connect_timeout;
    std::optional<std::chrono::milliseconds> max_time;
    // The final body's size limit (curl's --max-filesize): a Content-Length above it is
    // refused before the body, a body that grows past it is cut at the limit; either
    // ends with filesize_exceeded.
    std::optional<std::uint64_t> max_filesize;
    // Signals that end the transfer early with get_error::interrupted (the command
    // passes platform::stop_signals()); none are caught when empty.
    std::vector<int> stop_signals;
};

// A response head, copied out of the receive buffer.
struct response_info {
    int status = 0;
    int version_major = 1, version_minor = 1;
    std::string reason;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string raw;  // the head as received, status line to empty line
    const std::string* header(std::string_view name) const;
};

// A head's fields grouped as curl's %{header_json} does: names in lower case, in the
// order first seen, each with its values in the order received (Set-Cookie twice is
// one name with two values).
std::vector<std::pair<std::string, std::vector<std::string>>> headers_by_name(
    const std::vector<std::pair<std::string, std::string>>& headers);

struct get_events {
    std::function<void(const asio::ip::tcp::endpoint&)> trying;
    std::function<void(const asio::ip::tcp::endpoint&, const std::error_code&)> attempt_failed;
    std::function<void(const std::string& host, const asio::ip::tcp::endpoint&, bool reused)> connected;
    // After a TLS handshake: what was agreed on; after a certificate refusal the peer
    // certificate only (ok false).
    std::function<void(const tls::session_info&, bool ok)> tls_handshake;
    std::function<void(std::string_view head)> request_sent;
    // Every head received: interim (1xx), redirects that are followed, the final one.
    std::function<void(const response_info&, bool interim, bool followed)> response;
    // Bytes a server sent beyond a complete response (curl's "excess found"): never the
    // next response, so the connection is closed instead of reused.
    std::function<void(std::uint64_t bytes)> excess_data;
    // After every block of the final body, and once more (done) at its end; a
    // progress_meter picks the reports worth drawing.
    std::function<void(const progress&)> on_progress;
};

struct get_result {
    get_error error = get_error::ok;
    std::string message;  // one line; empty when ok
    int status = 0;       // of the last response (0 if none)
    // The last URL requested, without credentials; the URL as given (credentials taken
    // out) when it was rejected before any request.
    std::string effective_url;
    int redirects = 0;
    std::uint64_t size_download = 0;  // body bytes of the last response
    std::uint64_t size_upload = 0;
    std::optional<std::uint64_t> content_length;
    std::string content_type;
    std::vector<std::pair<std::string, std::string>> headers;  // of the last response, as received
    std::string remote;  // "127.0.0.1:8080" of the last connection
    std::optional<tls::session_info> tls;  // of the last connection, when it was https
    timings times;
};

// Runs the whole transfer on its own io_context and returns when it is over. The final
// response's body goes to `body`, written on a thread of its own (body_writer) and
// finished when the transfer succeeds; a body that cannot be written ends it with
// write_error and the sink's reason. The deadline and stop signals hold even when the
// sink takes nothing (a pipe nobody reads): run_get then returns without waiting for it.
get_result run_get(const get_options& options, const get_events& events, body_sink body);

// A URL as typed, for showing back: the userinfo ("user:password@") taken out.
std::string without_credentials(std::string_view url);

// The -O file name: the URL path's last segment, without query; empty when there is
// none or it could name something other than a plain file ("..", a backslash).
std::string remote_file_name(std::string_view url);

}  // namespace netlab::client
