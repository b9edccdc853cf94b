#include "server/connection.hpp"

#include <asio/co_spawn.hpp>
#include <asio/post.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <algorithm>
#include <array>
#include <cstring>
#include <utility>
#include <vector>
#include <fmt/format.h>

#include "http/request_parser.hpp"
#include "net/endpoint.hpp"
#include "net/socket_trace.hpp"
#include "netlab/platform/error.hpp"
#include "netlab/platform/send_file.hpp"
#include "server/first_bytes.hpp"
#include "server/stock_replies.hpp"
#include "server/worker.hpp"
#include "tls/server.hpp"

namespace netlab::server {
namespace {

using asio::redirect_error;
using asio::use_awaitable;
using clock = std::chrono::steady_clock;
using platform::trace_step;

constexpr std::string_view continue_line = "HTTP/1.1 100 Continue\r\n\r\n";
// While a file is sent, a socket that stays full is tried again after this long at most
// (or a quarter of the idle timeout), to see whether the client has read anything.
constexpr std::chrono::milliseconds max_patience{1000};
// After refusing a request whose bytes were not all read, keep reading (and dropping)
// for a while before closing: closing with unread data sends RST, and the client would
// lose the error reply (nginx's lingering_close).
constexpr std::chrono::seconds linger_time{2};
constexpr std::size_t linger_bytes = 1024 * 1024;
// Body bytes are read behind the head in a window at least this big.
constexpr std::size_t min_body_window = 4 * 1024;
// The slowest a request body may arrive on average, in bytes per second.
constexpr std::uint64_t min_body_rate = 1024;
// A file sent over TLS is read and encrypted in pieces this big (TLS records are 16 KiB).
constexpr std::size_t file_piece = 64 * 1024;

}  // namespace

connection::connection(asio::ip::tcp::socket socket, worker& owner, clock::time_point accepted)
    : socket_(std::move(socket)), deadline_(accepted + owner.config.header_timeout), owner_(owner),
      accepted_(accepted), idle_since_(accepted) {
    std::error_code ec;
    const auto peer = socket_.remote_endpoint(ec);
    client_ = ec ? "unknown" : net::to_string(peer);
    // Each response goes out in one write; without Nagle it leaves at once.
    net::set_no_delay(socket_);
    owner_.add_connection(this);  // counted in counters.active by the acceptor
}

connection::connection(asio::ip::tcp::socket socket, worker& owner, moved_state from)
    : socket_(std::move(socket)), deadline_(from.deadline), owner_(owner), client_(std::move(from.client)),
      first_request_(from.first_request), accepted_(from.accepted), idle_since_(from.idle_since),
      answered_(from.answered) {
    owner_.add_connection(this);
}

connection::~connection() {
    tls_.reset();  // before the socket it refers to
    owner_.connections.erase(this);
    release_slot();  // serve() never got to its end (its io_context stopped first)
    owner_.held.fetch_sub(1, std::memory_order_relaxed);
}

void connection::release_slot() {
    if (slot_released_ || moved_) return;
    slot_released_ = true;
    open_after_release_ = owner_.counters.active.fetch_sub(1, std::memory_order_release) - 1;
}

void connection::start() {
    asio::co_spawn(socket_.get_executor(), [self = shared_from_this()] { return self->serve(); }, rethrow_to_run_loop);
}

void connection::set_deadline(clock::duration from_now) { deadline_ = clock::now() + from_now; }

void connection::drain() {
    draining_ = true;
    std::error_code ec;
    if (phase_ == phase::idle) socket_.cancel(ec);  // wakes the wait for a request; serve() then ends
}

void connection::expire_if_late(clock::time_point now) {
    if (now < deadline_ || expired_ || !socket_.is_open()) return;
    expired_ = true;
    const double header_s = std::chrono::duration<double>(owner_.config.header_timeout).count();
    switch (phase_) {
        case phase::idle:
            close_reason_ = first_request_ ? fmt::format("no request within --header-timeout {:g} s", header_s) : "idle timeout";
            break;
        case phase::handshake:
            close_reason_ = fmt::format("TLS handshake not complete within --header-timeout {:g} s", header_s);
            break;
        case phase::head:
            answer_timeout();
            close_reason_ = fmt::format("request head not complete within --header-timeout {:g} s", header_s);
            break;
        case phase::body:
            answer_timeout();
            close_reason_ = "the request body came too slowly";
            break;
        case phase::sending:
            // Closing, not cancelling: on Windows that is what ends a TransmitFile.
            owner_.counters.timeouts.fetch_add(1, std::memory_order_relaxed);
            return close_for("timeout: the client stopped reading");
        case phase::closing:
            // The linger after an error reply has run its time: the end of a courtesy to
            // the client, not a timeout.
            linger_end_ = linger_end::deadline;
            break;
    }
    if (phase_ != phase::closing) owner_.counters.timeouts.fetch_add(1, std::memory_order_relaxed);
    // serve() wakes with operation_aborted, logs what there is to log, and ends the connection.
    std::error_code ec;
    socket_.cancel(ec);
}

// A request that did not arrive in time is answered 408 before the close (RFC 9110
// §15.5.9, as Apache does), so the client learns why; but only if the socket takes it at
// once: the reaper never waits for a client.
void connection::answer_timeout() {
    if (tls_ || owner_.config.tls) return;  // a plaintext answer would break the TLS stream: only close
    response r;
    stock_reply(r, 408, false);
    finish_head(r.head, true, false);
    std::error_code ec;
    socket_.non_blocking(true, ec);
    const std::array<asio::const_buffer, 2> parts{asio::buffer(r.head), asio::buffer(r.body)};
    const std::size_t n = ec ? 0 : socket_.write_some(parts, ec);
    net::trace_socket(trace_step::send, socket_, static_cast<std::int64_t>(n), ec);
    late_answer_ = {true, !ec && n == r.head.size() + r.body.size(), n > r.head.size() ? n - r.head.size() : 0};
}

// Logs and counts the 408 that answer_timeout sent, once the request's coroutine ends.
void connection::report_timeout(request_state& st, clock::time_point started) {
    if (!late_answer_.sent) return;
    st.res.reset();
    st.res.status = 408;
    st.res.body = stock_body(408);
    st.body_sent = late_answer_.body_sent;
    owner_.count_answer(408, st.body_sent, late_answer_.complete);
    ++answered_;
    log_request(st, started, late_answer_.complete ? std::string_view{} : "the client's socket was full",
                close_reason_);
}

void connection::cut_off(std::string_view reason) {
    if (socket_.is_open() && !expired_) close_for(reason);  // an expired one is ending already
}

void connection::close_for(std::string_view reason) {
    close_reason_ = reason;
    release_slot();  // before the close: a client that sees it may connect again at once
    net::trace_socket(trace_step::close, socket_, -1, {}, close_reason_);
    std::error_code ec;
    socket_.close(ec);  // the pending operation in serve() ends with operation_aborted
}

void connection::end() {
    tls_.reset();
    release_slot();
    if (socket_.is_open()) {
        net::trace_socket(trace_step::close, socket_, -1, {}, close_reason_);
        std::error_code ec;
        socket_.close(ec);
    }
    if (owner_.events.on_connection) report_closed();
}

std::string connection::ending_words() const {
    std::string why;
    if (!close_reason_.empty()) {
        why = close_reason_;
    } else {
        switch (ending_) {
            case ending::read_failed:
                if (end_error_ == asio::error::eof) why = "client closed";
                else if (end_error_ == asio::error::operation_aborted && (draining_ || owner_.draining)) why = "shutdown";
                else why = platform::describe(end_error_);
                break;
            case ending::drained: why = "shutdown"; break;
            case ending::answered_close: why = "closed after the answer"; break;
            case ending::send_failed: why = "the answer was cut off: " + platform::describe(end_error_); break;
            case ending::plaintext: why = "a plaintext HTTP request on the HTTPS port"; break;
            case ending::tls_failed: why = "TLS handshake failed: " + tls_failure_; break;
            case ending::internal_error: why = "internal error"; break;
            case ending::none: why = "closed"; break;
        }
    }
    switch (linger_end_) {
        case linger_end::none: break;
        case linger_end::client: why += ", then the client closed"; break;
        case linger_end::deadline:
            why += fmt::format(", then the {} s linger ended", std::chrono::duration_cast<std::chrono::seconds>(linger_time).count());
            break;
        case linger_end::bytes: why += fmt::format(", then the linger dropped {} KiB", linger_bytes / 1024); break;
        case linger_end::error: why += ", then " + platform::describe(linger_error_); break;
    }
    return why;
}

void connection::report_closed() const {
    const auto now = clock::now();
    const auto ms = [now](clock::time_point since) { return std::chrono::duration<double, std::milli>(now - since).count(); };
    const std::string why = ending_words();
    connection_record rec;
    rec.unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    rec.client = client_;
    rec.closed = true;
    rec.worker = owner_.index;
    rec.open = open_after_release_;
    rec.reason = why;
    rec.requests = answered_;
    rec.since_accept_ms = ms(accepted_);
    if (idle_since_ != clock::time_point{}) rec.idle_ms = ms(idle_since_);
    if (request_began_ != clock::time_point{}) rec.since_first_byte_ms = ms(request_began_);
    owner_.events.on_connection(rec);
}

asio::awaitable<void> connection::serve() {
    std::unique_ptr<request_state> st;
    try {
        const bool go_on = !owner_.config.tls || co_await start_tls();
        for (; go_on;) {
            if (!st || st->used == 0) {
                // Between requests: hold no buffers while waiting for the next one. Over TLS
                // the next request's bytes may already sit decrypted in the TLS engine,
                // where waiting for the socket would not see them: it reads at once.
                if (st && !tls_) owner_.release_state(std::exchange(st, nullptr));
                if (!first_request_) idle_since_ = clock::now();
                if (draining_ || owner_.draining) {
                    ending_ = ending::drained;
                    break;
                }
                phase_ = phase::idle;
                if (!first_request_) deadline_ = idle_since_ + owner_.config.idle_timeout;
                owner_.note_pause(pause_epoch_);
                if (!tls_ && move_if_asked()) co_return;
                if (!tls_) {
                    std::error_code ec;
                    co_await socket_.async_wait(asio::ip::tcp::socket::wait_read, redirect_error(use_awaitable, ec));
                    if (ec || draining_ || expired_) {
                        ending_ = ec && !draining_ ? ending::read_failed : ending::drained;
                        end_error_ = ec;
                        break;
                    }
                }
                if (!st) st = owner_.acquire_state();
            }
            if (!co_await handle_one(*st)) break;
        }
    } catch (const std::exception& e) {
        // A bug must cost one connection, never the server. It is logged and counted as a
        // 500 that never left, so the summary's numbers still add up.
        owner_.count_answer(500, 0, false);
        ++answered_;
        ending_ = ending::internal_error;
        request_record rec;
        rec.client = client_;
        rec.method = rec.target = rec.version = "-";
        rec.status = 500;
        const std::string error = std::string("internal error: ") + e.what();
        rec.error = error;
        rec.cut_off = "the connection was closed after an internal error";
        owner_.report(rec);
    }
    if (st) owner_.release_state(std::move(st));
    if (linger_) co_await lingering_close();
    end();
}

bool connection::move_if_asked() {
    worker* to = owner_.take_move();
    // (Had the socket to be closed, the wait that follows ends this connection.)
    if (to == nullptr || owner_.counters.sockets_stay() || !to->take_socket(socket_))
        return false;
    moved_ = true;
    to->held.fetch_add(1, std::memory_order_relaxed);
    asio::post(to->io, [to, s = std::move(socket_),
                        from = moved_state{client_, deadline_, first_request_, accepted_, idle_since_, answered_}]() mutable {
        std::make_shared<connection>(std::move(s), *to, std::move(from))->start();
    });
    return true;
}

asio::awaitable<bool> connection::start_tls() {
    // Until its first byte a connection is idle, as a plain one is before its request:
    // shutdown closes it at once. The header timeout runs from accept all the same.
    phase_ = phase::idle;
    if (draining_ || owner_.draining) {
        ending_ = ending::drained;
        co_return false;
    }
    std::error_code ec;
    co_await socket_.async_wait(asio::ip::tcp::socket::wait_read, redirect_error(use_awaitable, ec));
    if (ec || draining_ || expired_) {
        ending_ = ec && !draining_ ? ending::read_failed : ending::drained;
        end_error_ = ec;
        co_return false;
    }
    // Enough to tell a TLS record, an HTTP request line and anything else apart.
    std::array<char, 64> first{};
    const std::size_t n = socket_.receive(asio::buffer(first), asio::socket_base::message_peek, ec);
    if (ec || n == 0) {
        ending_ = ending::read_failed;
        end_error_ = ec ? ec : make_error_code(asio::error::eof);
        co_return false;
    }
    phase_ = phase::handshake;
    idle_since_ = {};
    request_began_ = clock::now();
    if (classify_first_bytes({first.data(), n}) == first_bytes::plaintext_http) {
        co_await refuse_plain_http();
        ending_ = ending::plaintext;
        co_return false;
    }
    // TLS, or bytes that are neither: OpenSSL then says what is wrong with them.
    auto stream = std::make_unique<tls::server_stream>(*owner_.config.tls, socket_);
    const auto r = co_await stream->handshake();
    const bool ok = r.error == tls::failure::none && !expired_;
    if (socket_.is_open())
        net::trace_socket(trace_step::tls_handshake, socket_, -1, r.io_error,
                          ok ? fmt::format("{} {}", r.session.version, r.session.cipher) : r.message);
    if (ok) {
        tls_ = std::move(stream);
        // The handshake is done; the first request has yet to begin.
        request_began_ = {};
        idle_since_ = clock::now();
    } else {
        ending_ = ending::tls_failed;
        // Closed by us (the header timeout, shutdown's end): those words; else OpenSSL's.
        tls_failure_ = close_reason_.empty() ? r.message : close_reason_;
        owner_.report_tls_failure(client_, tls_failure_);
    }
    co_return ok;
}

// A plaintext request on the TLS port: a short plain answer that says so (nginx's 497
// idea, sent as the 400 it maps to), then a gentle close.
asio::awaitable<void> connection::refuse_plain_http() {
    std::error_code ec;
    const auto local = socket_.local_endpoint(ec);
    response r;
    r.status = 400;
    r.owned_body = fmt::format("400 Bad Request: this port speaks HTTPS; use https://{}/\n",
                               ec ? std::string("HOST:PORT") : net::to_string(local));
    head_builder(r.head, 400)
        .field("Content-Type", "text/plain; charset=utf-8")
        .field("Content-Length", static_cast<std::uint64_t>(r.owned_body.size()));
    finish_head(r.head, true, false);
    const std::array<asio::const_buffer, 2> parts{asio::buffer(r.head), asio::buffer(r.owned_body)};
    const std::size_t n = co_await asio::async_write(socket_, parts, redirect_error(use_awaitable, ec));
    net::trace_socket(trace_step::send, socket_, static_cast<std::int64_t>(n), ec);
    const std::uint64_t body_sent = n > r.head.size() ? n - r.head.size() : 0;
    owner_.count_answer(400, body_sent, !ec);
    ++answered_;
    request_record rec;
    rec.client = client_;
    rec.method = rec.target = rec.version = "-";
    rec.status = 400;
    rec.bytes = body_sent;
    rec.error = "a plaintext HTTP request on the HTTPS port";
    owner_.report(rec);
    linger_ = true;  // the request is unread: closing now would reset the answer away
}

asio::awaitable<std::size_t> connection::read_some(asio::mutable_buffer buffer, std::error_code& ec) {
    std::size_t n = 0;
    if (!tls_) {
        n = co_await socket_.async_read_some(buffer, redirect_error(use_awaitable, ec));
    } else {
        const auto r = co_await tls_->read_some(buffer);
        ec = r.error;
        n = r.bytes;
    }
    // Bytes that came just as the reaper ended the connection are too late.
    if (expired_ && !ec) ec = asio::error::operation_aborted;
    co_return n;
}

asio::awaitable<std::size_t> connection::write_some(std::span<const asio::const_buffer> buffers, std::error_code& ec) {
    if (!tls_) co_return co_await socket_.async_write_some(buffers, redirect_error(use_awaitable, ec));
    const auto r = co_await tls_->write_some(buffers);
    ec = r.error;
    co_return r.bytes;
}

asio::awaitable<std::size_t> connection::write_all(std::span<const asio::const_buffer> buffers, std::error_code& ec) {
    if (!tls_) co_return co_await asio::async_write(socket_, buffers, redirect_error(use_awaitable, ec));
    const auto r = co_await tls_->write(buffers);
    ec = r.error;
    co_return r.bytes;
}

asio::awaitable<void> connection::lingering_close() {
    std::error_code ec;
    phase_ = phase::closing;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
    net::trace_socket(trace_step::shutdown, socket_, -1, ec, "lingering close");
    set_deadline(linger_time);
    char sink[4096];
    // Raw bytes even over TLS: they are only dropped.
    std::size_t dropped = 0;
    while (!ec && !expired_ && dropped < linger_bytes)
        dropped += co_await socket_.async_read_some(asio::buffer(sink), redirect_error(use_awaitable, ec));
    if (linger_end_ != linger_end::none) co_return;  // the reaper ended it
    if (ec == asio::error::eof) {
        linger_end_ = linger_end::client;
    } else if (ec) {
        linger_end_ = linger_end::error;
        linger_error_ = ec;
    } else {
        linger_end_ = linger_end::bytes;
    }
}

asio::awaitable<bool> connection::handle_one(request_state& st) {
    const auto& cfg = owner_.config;
    const http::request_limits limits{cfg.max_head_bytes, cfg.max_target_bytes};
    // Over TLS, an empty buffer here is still the idle wait (serve() did not wait).
    const bool idle = tls_ && st.used == 0 && !first_request_;
    if (!first_request_ && !idle) set_deadline(cfg.header_timeout);
    const auto head_started = clock::now();
    if (!idle) phase_ = phase::head;
    // A request has begun once it has bytes (readable may also mean the end of stream).
    const auto mark_begun = [this](clock::time_point at) {
        if (request_began_ != clock::time_point{}) return;
        idle_since_ = {};
        request_began_ = at;
    };
    if (st.used > 0) mark_begun(head_started);
    std::error_code ec;

    // The head: parse what is there, read more while it is incomplete.
    http::request_parse_result parsed;
    st.parsed = {};
    for (;;) {
        // Resumes where the last call stopped: a head sent a byte at a time costs linear time.
        parsed = http::parse_request({st.buffer.data(), st.used}, st.req, st.parsed, limits);
        if (parsed.status != http::parse_status::incomplete) break;
        if (st.used == st.buffer.size()) {
            // A longer head than the buffer holds yet: a bigger buffer, and the head parsed
            // again from its start (its views pointed into the old one). The buffer only
            // doubles a few times, so the parsing stays linear.
            if (!st.grow(owner_.max_request_buffer())) {  // cannot happen while the buffer > head limit
                parsed = {http::parse_status::bad, 431, "request head too large"};
                break;
            }
            st.parsed = {};
            continue;
        }
        const std::size_t n =
            co_await read_some(asio::buffer(st.buffer.data() + st.used, st.buffer.size() - st.used), ec);
        net::trace_socket(trace_step::recv, socket_, static_cast<std::int64_t>(n), ec);
        if (!ec && phase_ == phase::idle) {  // TLS: the next request has begun
            phase_ = phase::head;
            set_deadline(cfg.header_timeout);
            mark_begun(deadline_ - cfg.header_timeout);
        }
        // Its first bytes came with this read, which began as soon as the socket was
        // readable: no need to read the clock again.
        if (!ec && n > 0) mark_begun(head_started);
        if (ec) {
            // Closed or reset: nobody to answer. Timed out: answered 408 by the reaper.
            ending_ = ending::read_failed;
            end_error_ = ec;
            st.req = {};
            st.req.method = st.req.target = "-";
            report_timeout(st, head_started);
            co_return false;
        }
        st.used += n;
    }
    const auto started = clock::now();
    first_request_ = false;
    response& res = st.res;
    res.reset();
    if (parsed.status == http::parse_status::bad) {
        stock_reply(res, parsed.error_status, false);
        finish_head(res.head, true, false);
        linger_ = true;
        const auto send_error = co_await send(st);
        // The head is unusable; log what can be said of it.
        st.req = {};
        st.req.method = st.req.target = "-";
        log_request(st, started, cut_off_reason(send_error), parsed.error);
        ending_ = send_error ? ending::send_failed : ending::answered_close;
        end_error_ = send_error;
        co_return false;  // nothing after a bad head can be trusted
    }

    st.body_bytes = 0;
    st.kept_body.clear();
    phase_ = phase::body;
    const auto body = co_await read_body(st);
    if (body == body_result::failed) {
        report_timeout(st, started);
        ending_ = ending::read_failed;
        co_return false;
    }

    if (cfg.dump && owner_.events.on_dump) {
        const std::string_view kept = st.kept_body;
        owner_.events.on_dump({client_, std::string_view(st.buffer.data(), st.req.head_size), st.body_bytes,
                               kept.substr(0, static_cast<std::size_t>(std::min<std::uint64_t>(kept.size(), cfg.max_dump_body)))});
    }

    if (body == body_result::rejected) {
        linger_ = true;  // the reply (400/413) is set; the body was not all read
    } else if (cfg.echo) {
        echo(st);
    } else {
        const worker::file_work marked(owner_);
        owner_.site.respond(st.req, owner_.cache, res);
    }
    const bool keep_alive = st.req.keep_alive && !res.close && !draining_ && !owner_.draining;
    res.close = !keep_alive;
    if (cfg.cors) res.head.append("Access-Control-Allow-Origin: *\r\n");
    finish_head(res.head, res.close, keep_alive && st.req.version_minor == 0);

    const auto send_error = co_await send(st);
    log_request(st, started, cut_off_reason(send_error), res.error);
    if (send_error || res.close) {
        ending_ = send_error ? ending::send_failed : ending::answered_close;
        end_error_ = send_error;
        co_return false;
    }

    // Pipelining: whatever follows this request stays for the next round.
    const std::size_t rest = st.used - st.req.head_size;
    std::memmove(st.buffer.data(), st.buffer.data() + st.req.head_size, rest);
    st.used = rest;
    co_return true;
}

// Reads the request body (Content-Length or chunked) and keeps it for --echo or drops
// it. Body bytes are removed from the buffer; the head stays in place, and bytes of a
// pipelined next request are kept after it.
asio::awaitable<connection::body_result> connection::read_body(request_state& st) {
    const auto& cfg = owner_.config;
    const auto& req = st.req;
    if (!req.chunked && req.content_length == 0) co_return body_result::read;
    const std::uint64_t limit = cfg.echo ? cfg.max_echo_body : cfg.max_discarded_body;
    const std::uint64_t keep_limit = cfg.echo ? cfg.max_echo_body : cfg.dump ? cfg.max_dump_body : 0;
    if (req.has_content_length && req.content_length > limit) {
        stock_reply(st.res, 413, false);
        st.res.close = true;  // the body is not read, so the connection cannot continue
        co_return body_result::rejected;
    }
    // Room behind the head for a window of body bytes; a grown buffer means parsing the
    // head again, since its views pointed into the old one.
    if (st.buffer.size() - req.head_size < min_body_window) {
        while (st.buffer.size() - req.head_size < min_body_window && st.grow(owner_.max_request_buffer())) {
        }
        st.parsed = {};
        http::parse_request({st.buffer.data(), st.used}, st.req, st.parsed, {cfg.max_head_bytes, cfg.max_target_bytes});
    }
    std::error_code ec;
    const std::size_t head = req.head_size;
    std::size_t pos = head;  // first unconsumed byte after the head
    std::uint64_t remaining = req.content_length;
    bool done = false;
    bool bad = false;
    st.chunked.reset();
    const auto keep = [&](std::string_view data) {
        st.body_bytes += data.size();
        if (st.kept_body.size() < keep_limit)
            st.kept_body.append(data.substr(0, static_cast<std::size_t>(keep_limit - st.kept_body.size())));
    };
    const auto take = [&](std::string_view avail) -> std::size_t {
        if (!req.chunked) {
            const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(avail.size(), remaining));
            keep(avail.substr(0, n));
            remaining -= n;
            done = remaining == 0;
            return n;
        }
        const auto r = st.chunked.feed(avail, keep);
        done = r.done;
        bad = r.bad;
        return r.consumed;
    };
    bool asked_continue = false;
    const auto body_started = clock::now();
    for (;;) {
        if (pos < st.used) pos += take({st.buffer.data() + pos, st.used - pos});
        if (done || bad || st.body_bytes > limit) break;
        if (pos == st.used) st.used = pos = head;  // consumed body bytes are no longer needed
        if (req.expect_continue && !asked_continue) {
            // The client waits for this before it sends the body (RFC 9110 §10.1.1).
            asked_continue = true;
            const std::array<asio::const_buffer, 1> line{asio::buffer(continue_line)};
            co_await write_all(line, ec);
            if (ec) {
                end_error_ = ec;
                co_return body_result::failed;
            }
        }
        if (st.used == st.buffer.size()) {  // a decoder that stops consuming: never spin
            bad = true;
            break;
        }
        // Each read may wait the idle timeout, but the body as a whole must keep coming at
        // min_body_rate after a grace of one header timeout: a byte a minute cannot hold
        // a connection for ever.
        const auto allowance = cfg.header_timeout + std::chrono::milliseconds(st.body_bytes * 1000 / min_body_rate);
        deadline_ = std::min(clock::now() + cfg.idle_timeout,
                             body_started + std::chrono::duration_cast<clock::duration>(allowance));
        const std::size_t n =
            co_await read_some(asio::buffer(st.buffer.data() + st.used, st.buffer.size() - st.used), ec);
        net::trace_socket(trace_step::recv, socket_, static_cast<std::int64_t>(n), ec);
        if (ec) {
            end_error_ = ec;
            co_return body_result::failed;
        }
        st.used += n;
    }
    if (bad || st.body_bytes > limit) {
        stock_reply(st.res, bad ? 400 : 413, false);
        st.res.close = true;
        co_return body_result::rejected;
    }
    // Close the gap the body left, so the next request follows the head directly.
    std::memmove(st.buffer.data() + head, st.buffer.data() + pos, st.used - pos);
    st.used = head + (st.used - pos);
    co_return body_result::read;
}

// --echo: the request itself, head and body, as text.
void connection::echo(request_state& st) {
    response& res = st.res;
    res.owned_body.assign(st.buffer.data(), st.req.head_size);
    res.owned_body += st.kept_body;
    res.body = res.owned_body;
    res.status = 200;
    res.head_only = st.req.method == "HEAD";
    head_builder(res.head, 200)
        .field("Content-Type", "text/plain; charset=utf-8")
        .field("Content-Length", static_cast<std::uint64_t>(res.body.size()))
        .field("Cache-Control", "no-store");
}

// Why a response was not sent in full: closed by us (a timeout, shutdown) or by the
// client (reset, broken pipe). Empty when it was.
std::string connection::cut_off_reason(std::error_code send_error) const {
    if (!send_error) return {};
    return close_reason_.empty() ? platform::describe(send_error) : close_reason_;
}

void connection::log_request(const request_state& st, clock::time_point started, std::string_view cut_off,
                             std::string_view error) const {
    request_record rec;
    rec.client = client_;
    rec.method = st.req.method;
    rec.target = st.req.target;
    rec.version = http::version_text(st.req);
    rec.status = st.res.status;
    rec.bytes = st.body_sent;
    rec.duration_ms = std::chrono::duration<double, std::milli>(clock::now() - started).count();
    rec.error = error;
    rec.cut_off = cut_off;
    if (!cut_off.empty()) rec.expected_bytes = st.res.head_only ? 0 : st.res.body_size();
    rec.listing_shown = st.res.listing_shown;
    rec.listing_entries = st.res.listing_entries;
    owner_.report(rec);
}

asio::awaitable<std::error_code> connection::send(request_state& st) {
    response& res = st.res;
    std::error_code ec;
    const auto idle = owner_.config.idle_timeout;
    set_deadline(idle);
    phase_ = phase::sending;
    // The send timeout runs between successive progress (nginx's send_timeout): any bytes
    // the kernel takes move the deadline on, so a client that reads, however slowly, is
    // served, and one that has stopped is cut off after the idle timeout.
    const auto progress = [&](std::size_t n) {
        if (n > 0) set_deadline(idle);
    };
    std::uint64_t sent_body = 0;
    if (res.file && !res.head_only && tls_) {
        ec = co_await send_file_encrypted(res, sent_body, progress);
    } else if (res.file && !res.head_only) {
        const std::size_t n = co_await asio::async_write(socket_, asio::buffer(res.head), redirect_error(use_awaitable, ec));
        net::trace_socket(trace_step::send, socket_, static_cast<std::int64_t>(n), ec);
        const auto patience = std::chrono::duration_cast<std::chrono::milliseconds>(std::min<clock::duration>(idle / 4, max_patience));
        while (!ec && sent_body < res.file_length) {
            const auto r = co_await platform::send_file(socket_, *res.file, res.file_offset + sent_body,
                                                        res.file_length - sent_body, patience);
            sent_body += r.bytes;
            progress(static_cast<std::size_t>(r.bytes));
            ec = r.error;
            if (r.file_ended) {
                close_reason_ = "the file became shorter while it was sent";
                ec = std::make_error_code(std::errc::io_error);
            }
        }
    } else {
        // Head and body leave in gather writes (writev), each write a step of progress.
        const std::string_view body = res.head_only ? std::string_view{} : res.body;
        const std::size_t total = res.head.size() + body.size();
        std::size_t done = 0;
        while (!ec && done < total) {
            const std::size_t from_head = std::min(done, res.head.size());
            const std::array<asio::const_buffer, 2> parts{asio::buffer(res.head) + from_head,
                                                          asio::buffer(body) + (done - from_head)};
            const std::size_t n = co_await write_some(parts, ec);
            net::trace_socket(trace_step::send, socket_, static_cast<std::int64_t>(n), ec);
            done += n;
            progress(n);
        }
        // On an error `done` still says how much went out.
        if (done > res.head.size()) sent_body = done - res.head.size();
    }
    st.body_sent = sent_body;
    owner_.count_answer(res.status, sent_body, !ec);
    ++answered_;
    if (!ec) request_began_ = {};  // answered: no request is in progress
    co_return ec;
}

// The head and then the file in pieces of file_piece bytes, each read from the open
// handle and written through TLS; every piece the client takes is progress.
asio::awaitable<std::error_code> connection::send_file_encrypted(response& res, std::uint64_t& sent_body,
                                                                 const std::function<void(std::size_t)>& progress) {
    std::error_code ec;
    const std::array<asio::const_buffer, 1> head{asio::buffer(res.head)};
    const std::size_t n = co_await write_all(head, ec);
    net::trace_socket(trace_step::send, socket_, static_cast<std::int64_t>(n), ec, "before encryption");
    std::vector<char> piece(std::min<std::uint64_t>(file_piece, res.file_length));
    while (!ec && sent_body < res.file_length) {
        const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(piece.size(), res.file_length - sent_body));
        const std::size_t got = res.file->read_at(res.file_offset + sent_body, piece.data(), want, ec);
        if (ec) {
            close_reason_ = "the file could not be read: " + platform::describe(ec);
            break;
        }
        if (got == 0) {
            close_reason_ = "the file became shorter while it was sent";
            ec = std::make_error_code(std::errc::io_error);
            break;
        }
        const std::array<asio::const_buffer, 1> data{asio::buffer(piece.data(), got)};
        const std::size_t sent = co_await write_all(data, ec);
        sent_body += sent;
        progress(sent);
    }
    co_return ec;
}

}  // namespace netlab::server
