#include "client/fetch.hpp"

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/read.hpp>
#include <asio/redirect_error.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <exception>
#include <memory>
#include <span>
#include <fmt/format.h>

#include "client/body_writer.hpp"
#include "client/redirect.hpp"
#include "http/chunked.hpp"
#include "http/response_parser.hpp"
#include "http/url.hpp"
#include "net/endpoint.hpp"
#include "net/socket_trace.hpp"
#include "netlab/platform/error.hpp"
#include "tls/client.hpp"

namespace netlab::client {
namespace {

using asio::ip::tcp;
using platform::trace_step;

double seconds(clock::duration d) { return std::chrono::duration<double>(d).count(); }

response_info copy_head(const http::response_head& h, std::string_view raw) {
    response_info info;
    info.status = h.status;
    info.version_major = h.version_major;
    info.version_minor = h.version_minor;
    info.reason = std::string(h.reason);
    info.raw = std::string(raw.substr(0, h.head_size));
    info.headers.reserve(h.headers.size());
    for (const auto& f : h.headers) info.headers.emplace_back(std::string(f.name), std::string(f.value));
    return info;
}

// One transfer, possibly over several requests (redirects). Lives on the caller's stack
// while its io_context runs, so handlers may refer to it.
class transfer {
public:
    transfer(asio::io_context& ctx, const get_options& options, const get_events& events, body_sink body)
        : ctx_(ctx), opt_(options), ev_(events), sock_(ctx), watchdog_(ctx), handshake_timer_(ctx), signals_(ctx),
          writer_wake_(ctx),
          writer_(std::move(body), write_queue_bytes,
                  // On the writer's thread: only a post, which ends the current wait.
                  [this] { asio::post(ctx_, [this] { writer_wake_.cancel(); }); }),
          buf_(recv_buffer_bytes, '\0') {}

    asio::awaitable<void> run();
    // Stops the whole transfer at once when a stop signal arrives.
    void catch_stop_signals();
    // After run (or a stop): the last socket closed, the timers stopped, the total set.
    void finish();
    // After a failure: lets the writer write what arrived before it.
    void keep_what_arrived() const;
    get_result result;

private:
    enum class outcome { ok, failed, retry };

    void fail(get_error e, std::string message) {
        if (result.error != get_error::ok) return;  // the first failure is the one reported
        result.error = e;
        result.message = std::move(message);
        result.times.cut_short = under_way_;
    }
    bool failed() const { return result.error != get_error::ok; }
    double now() const { return seconds(clock::now() - t0_); }
    // A socket (or TLS) failure while sending (curl's 55) or receiving (56), in words.
    void fail_io(const std::error_code& ec, std::string_view doing, get_error kind = get_error::recv_error);
    void fail_timed_out();
    void first_byte();
    void close();
    void end_of_response();

    asio::awaitable<bool> connect(const http::url& u, clock::time_point hop_start);
    // The TLS context, made at the first https:// URL; false (failed) when it cannot be.
    bool tls_ready(const http::url& u);
    asio::awaitable<bool> tls_handshake(const http::url& u, clock::time_point deadline, const std::string& timed_out);
    asio::awaitable<std::error_code> write_all(std::span<const asio::const_buffer> buffers, std::size_t& sent);
    asio::awaitable<outcome> exchange(const http::url& u, const request_spec& spec, bool reused,
                                      response_info& final_head, http::framing_result& framing);
    asio::awaitable<std::error_code> read_more();
    asio::awaitable<void> read_body(const http::framing_result& framing, bool deliver);
    // With whole_buffer, data is all of buf_: the buffer itself goes to the writer.
    bool emit(std::string_view data, bool deliver, bool whole_buffer = false);
    // emit() for the body bytes buf_[beg_, beg_ + n); a buffer that is nothing else goes to
    // the writer as it is, and a spare one comes back to read into.
    bool emit_buffered(std::size_t n, bool deliver);
    asio::awaitable<bool> writer_ready(bool all_written);

    asio::io_context& ctx_;
    const get_options& opt_;
    const get_events& ev_;
    tcp::socket sock_;
    std::unique_ptr<tls::client_context> tls_context_;  // made at the first https:// URL
    std::unique_ptr<tls::client_stream> tls_;           // over sock_ while it speaks TLS
    asio::steady_timer watchdog_;
    asio::steady_timer handshake_timer_;  // --connect-timeout covers the handshake
    bool handshaking_ = false;
    bool handshake_expired_ = false;
    asio::signal_set signals_;
    asio::steady_timer writer_wake_;  // never expires: cancelled to wake a wait for the writer
    body_writer writer_;
    std::string buf_;
    std::size_t beg_ = 0, end_ = 0;  // unread bytes are buf_[beg_, end_)
    std::error_code held_error_;      // a TLS read's failure after bytes it returned: the next read's answer
    clock::time_point t0_ = clock::now();
    std::optional<clock::time_point> overall_deadline_;
    bool overall_expired_ = false;
    std::string conn_scheme_;
    std::string conn_host_;
    std::uint16_t conn_port_ = 0;
    bool reusable_ = false;
    std::uint64_t received_this_response_ = 0;
    bool first_byte_seen_ = false;
    bool stopped_ = false;  // emit refused more body bytes
    std::optional<phase> under_way_;  // what a failure now would cut short
    bool finished_ = false;
};

void transfer::catch_stop_signals() {
    if (opt_.stop_signals.empty()) return;
    for (const int sig : opt_.stop_signals) signals_.add(sig);
    signals_.async_wait([this](const std::error_code& ec, int) {
        if (ec) return;
        fail(get_error::interrupted, result.size_download == 0
                                         ? std::string("interrupted")
                                         : fmt::format("interrupted with {} bytes received", result.size_download));
        // Every pending step (a connect race, a resolve, a read) is abandoned: the
        // coroutines are destroyed with the io_context, run_get finishes the rest.
        ctx_.stop();
    });
}

void transfer::finish() {
    if (finished_) return;
    finished_ = true;
    watchdog_.cancel();
    handshake_timer_.cancel();
    // Default handling again: a second Ctrl-C while the resolver's thread finishes
    // ends the process at once.
    std::error_code ignored;
    signals_.clear(ignored);
    signals_.cancel(ignored);  // clear() leaves the wait pending
    tls_.reset();
    net::traced_close(sock_);
    if (!result.times.complete) result.times.total = now();
}

// curl keeps the part of a body that arrived before a failure, so the writer gets until
// the deadline to write it. After the deadline or a stop signal it gets only a moment:
// the destination may be what is stuck, and the user asked to stop.
void transfer::keep_what_arrived() const {
    const auto moment = clock::now() + writer_grace;
    switch (result.error) {
        case get_error::ok: return;
        case get_error::timed_out:
        case get_error::interrupted: writer_.wait_written(moment); return;
        default: writer_.wait_written(overall_deadline_ ? std::optional(std::max(*overall_deadline_, moment)) : std::nullopt);
    }
}

void transfer::close() {
    tls_.reset();
    net::traced_close(sock_);
    reusable_ = false;
    beg_ = end_ = 0;
    held_error_.clear();
}

// A response is complete: whatever else the server has sent was not asked for yet, so it
// can never be the answer to the next request (a pre-sent "response" is how a confused or
// hostile server splits responses). Like curl, keep none of it and close the connection.
void transfer::end_of_response() {
    std::error_code ignored;
    const std::size_t unread = sock_.is_open() ? sock_.available(ignored) : 0;
    // Over TLS, bytes on the socket may be a record that is no response (a session
    // ticket, close_notify): only decrypted data is excess, but either way the
    // connection is not reused.
    const std::size_t excess = (end_ - beg_) + (tls_ ? tls_->pending() : unread);
    if (excess == 0) {
        if (unread > 0) close();
        return;
    }
    if (ev_.excess_data) ev_.excess_data(excess);
    close();
}

void transfer::fail_timed_out() {
    fail(get_error::timed_out, fmt::format("operation timed out after {} ms with {} bytes received",
                                           std::chrono::duration_cast<std::chrono::milliseconds>(*opt_.max_time).count(),
                                           result.size_download));
}

void transfer::fail_io(const std::error_code& ec, std::string_view doing, get_error kind) {
    if (overall_expired_) return fail_timed_out();
    const std::string_view hint = tls::is_certificate_required(ec) ? " (the server wants a client certificate: --cert)" : "";
    fail(kind, fmt::format("{}: {}{}", doing, platform::describe(ec), hint));
}

asio::awaitable<bool> transfer::connect(const http::url& u, clock::time_point hop_start) {
    auto deadline = hop_start + opt_.connect_timeout;
    const bool overall_first = overall_deadline_ && *overall_deadline_ < deadline;
    if (overall_first) deadline = *overall_deadline_;
    const auto timeout_message = [&] {
        if (overall_first)
            return fmt::format("operation timed out after {} ms",
                               std::chrono::duration_cast<std::chrono::milliseconds>(*opt_.max_time).count());
        return fmt::format("connection to {} port {} timed out after {} ms", u.host, u.port, opt_.connect_timeout.count());
    };

    // An address of the other family: nothing to resolve, nothing to connect to (curl's 7).
    if (const auto conflict = family_conflict(u.host, opt_.family); !conflict.empty()) {
        fail(get_error::cannot_connect, conflict);
        co_return false;
    }
    under_way_ = phase::namelookup;
    resolve_outcome resolved;
    if (const auto* o = find_override(opt_.resolve, u.host, u.port)) {
        std::vector<tcp::endpoint> endpoints;
        for (const auto& a : o->addresses)
            if (opt_.family == ip_family::any || a.is_v6() == (opt_.family == ip_family::v6)) endpoints.emplace_back(a, u.port);
        resolved.endpoints = order_for_happy_eyeballs(endpoints);
        if (resolved.endpoints.empty()) resolved.error = asio::error::host_not_found;
    } else {
        resolved = co_await resolve(u.host, u.port, opt_.family, deadline);
    }
    if (resolved.timed_out) {
        fail(get_error::timed_out, "resolving " + u.host + ": " + timeout_message());
        co_return false;
    }
    if (resolved.error) {
        fail(get_error::cannot_resolve, fmt::format("could not resolve host: {}", u.host));
        co_return false;
    }

    result.times.namelookup = now();
    under_way_ = phase::connect;

    connect_events ce{ev_.trying, ev_.attempt_failed};
    const auto c = co_await connect_any(sock_, resolved.endpoints, deadline, ce);
    if (c.timed_out) {
        fail(get_error::timed_out, timeout_message());
        co_return false;
    }
    if (c.error) {
        fail(get_error::cannot_connect,
             fmt::format("failed to connect to {} port {} after {} ms: {}", u.host, u.port,
                         std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - hop_start).count(),
                         platform::describe(c.error)));
        co_return false;
    }
    result.times.connect = now();
    net::set_no_delay(sock_);
    conn_scheme_ = u.scheme;
    conn_host_ = u.host;
    conn_port_ = u.port;
    result.remote = net::to_string(c.endpoint);
    result.tls.reset();
    if (ev_.connected) ev_.connected(u.host, c.endpoint, false);
    if (u.scheme == "https") co_return co_await tls_handshake(u, deadline, timeout_message());
    co_return true;
}

asio::awaitable<bool> transfer::tls_handshake(const http::url& u, clock::time_point deadline, const std::string& timed_out) {
    under_way_ = phase::appconnect;
    handshake_expired_ = false;
    handshaking_ = true;
    handshake_timer_.expires_at(deadline);
    handshake_timer_.async_wait([this](const std::error_code& ec) {
        if (ec || !handshaking_) return;  // a handler already queued when the handshake ended
        handshake_expired_ = true;
        net::traced_close(sock_);  // the handshake ends with operation_aborted
    });
    tls_ = std::make_unique<tls::client_stream>(*tls_context_, sock_);
    auto r = co_await tls_->handshake(u.host);
    handshaking_ = false;
    handshake_timer_.cancel();
    const bool expired = handshake_expired_;
    const auto detail = r.error == tls::failure::none ? fmt::format("{} {}", r.session.version, r.session.cipher) : r.message;
    if (sock_.is_open()) net::trace_socket(trace_step::tls_handshake, sock_, -1, r.io_error, detail);
    if (expired || overall_expired_) {
        fail(get_error::timed_out, "TLS handshake: " + timed_out);
        co_return false;
    }
    if (r.error == tls::failure::peer_certificate) {
        if (ev_.tls_handshake) ev_.tls_handshake(r.session, false);
        fail(get_error::peer_certificate, r.message);
        co_return false;
    }
    if (r.error != tls::failure::none) {
        fail(get_error::tls_handshake, fmt::format("{} port {}: {}", u.host, u.port, r.message));
        co_return false;
    }
    result.times.appconnect = now();
    if (ev_.tls_handshake) ev_.tls_handshake(r.session, true);
    result.tls = std::move(r.session);
    co_return true;
}

void transfer::first_byte() {
    first_byte_seen_ = true;
    result.times.starttransfer = now();
    under_way_.reset();  // reading the head; the body phase starts after it
}

asio::awaitable<std::error_code> transfer::read_more() {
    if (end_ == buf_.size()) {
        std::memmove(buf_.data(), buf_.data() + beg_, end_ - beg_);
        end_ -= beg_;
        beg_ = 0;
    }
    std::error_code ec;
    std::size_t n = 0;
    if (tls_) {
        ec = std::exchange(held_error_, {});
        // A TLS read returns one record (16 KiB at most). While more has arrived already,
        // read on: the body then goes to the writer thread in blocks of up to the buffer's
        // size, one hand-over per block instead of per record.
        for (bool first = true; !ec; first = false) {
            const auto space = asio::buffer(buf_.data() + end_, buf_.size() - end_);
            const auto r = first ? co_await tls_->read_some(space) : tls_->read_ready(space);
            if (r.error == asio::error::would_block) break;
            net::trace_socket(trace_step::recv, sock_, static_cast<std::int64_t>(r.bytes), r.error, "decrypted");
            end_ += r.bytes;
            n += r.bytes;
            if (r.error) (n > 0 ? held_error_ : ec) = r.error;
            if (r.error || buf_.size() - end_ < tls::max_record_bytes) break;
        }
    } else {
        n = co_await sock_.async_read_some(asio::buffer(buf_.data() + end_, buf_.size() - end_),
                                           asio::redirect_error(asio::use_awaitable, ec));
        net::trace_socket(trace_step::recv, sock_, static_cast<std::int64_t>(n), ec, "");
        end_ += n;
    }
    received_this_response_ += n;
    if (n > 0 && !first_byte_seen_) first_byte();
    co_return ec;
}

asio::awaitable<std::error_code> transfer::write_all(std::span<const asio::const_buffer> buffers, std::size_t& sent) {
    if (tls_) {
        const auto r = co_await tls_->write(buffers);
        sent = r.bytes;
        co_return r.error;
    }
    std::error_code ec;
    sent = co_await asio::async_write(sock_, buffers, asio::redirect_error(asio::use_awaitable, ec));
    co_return ec;
}

// Sends one request and reads heads until the final (non-1xx) one. `retry` means a
// reused connection turned out to be closed before it answered: try a fresh one.
asio::awaitable<transfer::outcome> transfer::exchange(const http::url& u, const request_spec& spec, bool reused,
                                                      response_info& final_head, http::framing_result& framing) {
    under_way_ = phase::pretransfer;
    const std::string head = build_request_head(u, spec);
    const std::array<asio::const_buffer, 2> out{asio::buffer(head),
                                                spec.body ? asio::buffer(*spec.body) : asio::const_buffer()};
    std::size_t sent = 0;
    std::error_code ec = co_await write_all(out, sent);
    net::trace_socket(trace_step::send, sock_, static_cast<std::int64_t>(sent), ec, tls_ ? "before encryption" : "");
    if (ec) {
        if (reused && !overall_expired_) co_return outcome::retry;
        // A TLS server that closed with an alert said why; the failed write is only its
        // echo (curl reads the alert too, and reports it as a receive failure).
        if (const auto alert = tls_ ? tls_->alert_after_failed_write() : std::error_code()) {
            net::trace_socket(trace_step::recv, sock_, 0, alert, "decrypted");
            fail_io(alert, "recv failure");
            co_return outcome::failed;
        }
        fail_io(ec, "send failure", get_error::send_error);
        co_return outcome::failed;
    }
    result.size_upload = spec.body ? spec.body->size() : 0;
    result.times.pretransfer = now();
    under_way_ = phase::starttransfer;
    if (ev_.request_sent) ev_.request_sent(head);

    received_this_response_ = 0;  // a reused connection has nothing left over (end_of_response)
    first_byte_seen_ = false;
    int interim = 0;
    http::response_head parsed;
    while (true) {
        if (end_ > beg_) {
            const std::string_view pending(buf_.data() + beg_, end_ - beg_);
            const auto r = http::parse_response(pending, parsed, http::response_limits{max_response_head_bytes});
            if (r.status == http::parse_status::bad) {
                fail(get_error::recv_error, fmt::format("malformed response from {}: {}", u.host, r.error));
                co_return outcome::failed;
            }
            if (r.status == http::parse_status::complete) {
                auto info = copy_head(parsed, pending);
                beg_ += parsed.head_size;
                if (parsed.status >= 100 && parsed.status < 200) {
                    if (ev_.response) ev_.response(info, true, false);
                    if (++interim > max_interim_responses) {
                        fail(get_error::recv_error,
                             fmt::format("more than {} interim (1xx) responses", max_interim_responses));
                        co_return outcome::failed;
                    }
                    continue;
                }
                framing = http::body_framing_for(spec.method, parsed);
                if (framing.bad) {
                    fail(get_error::recv_error, fmt::format("bad response framing: {}", framing.error));
                    co_return outcome::failed;
                }
                reusable_ = http::response_keeps_alive(parsed) && framing.framing != http::body_framing::until_close;
                final_head = std::move(info);
                co_return outcome::ok;
            }
        }
        ec = co_await read_more();
        if (!ec) continue;
        if (received_this_response_ == 0 && reused && !overall_expired_) co_return outcome::retry;
        if (ec == asio::error::eof) {
            if (received_this_response_ == 0)
                fail(get_error::empty_reply, fmt::format("empty reply from server {}", result.remote));
            else
                fail(get_error::recv_error, "connection closed in the middle of the response head");
        } else {
            fail_io(ec, "recv failure");
        }
        co_return outcome::failed;
    }
}

// Hands body bytes on; false when the transfer must stop (the sink failed, the size
// limit was reached).
bool transfer::emit(std::string_view data, bool deliver, bool whole_buffer) {
    if (!deliver || data.empty()) return true;
    // A body that grows past the limit is cut at it, the bytes within it kept (curl 8.4+).
    const bool over = opt_.max_filesize && data.size() > *opt_.max_filesize - result.size_download;
    if (over) data = data.substr(0, static_cast<std::size_t>(*opt_.max_filesize - result.size_download));
    if (const auto error = writer_.error()) {  // found by the writer since the last look
        fail(get_error::write_error, *error);
        stopped_ = true;
        return false;
    }
    result.size_download += data.size();
    if (whole_buffer && !over) buf_ = writer_.write_buffer(std::move(buf_), data.size());
    else writer_.write(data);
    if (over) {
        fail(get_error::filesize_exceeded, fmt::format("exceeded the maximum allowed file size ({}) with {} bytes",
                                                       *opt_.max_filesize, result.size_download));
        stopped_ = true;
        return false;
    }
    if (ev_.on_progress)
        ev_.on_progress(progress{result.size_download, result.content_length, now() - *result.times.pretransfer});
    return true;
}

bool transfer::emit_buffered(std::size_t n, bool deliver) {
    return emit(std::string_view(buf_.data() + beg_, n), deliver, beg_ == 0 && n == end_ && n >= handover_bytes);
}

// Waits until the writer has room for another block (or, with all_written, has written
// and finished everything); false when the transfer must end instead: the writer failed,
// or the deadline passed while the destination took nothing (a pipe nobody reads).
asio::awaitable<bool> transfer::writer_ready(bool all_written) {
    while (true) {
        if (const auto error = writer_.error()) {
            fail(get_error::write_error, *error);
            co_return false;
        }
        if (all_written ? writer_.done() : writer_.has_room()) co_return true;
        if (overall_expired_) {
            fail_timed_out();
            co_return false;
        }
        writer_wake_.expires_at(asio::steady_timer::time_point::max());
        std::error_code cancelled;
        co_await writer_wake_.async_wait(asio::redirect_error(asio::use_awaitable, cancelled));
    }
}

asio::awaitable<void> transfer::read_body(const http::framing_result& framing, bool deliver) {
    using http::body_framing;
    switch (framing.framing) {
        case body_framing::none: co_return;
        case body_framing::content_length: {
            std::uint64_t remaining = framing.length;
            while (remaining > 0) {
                if (end_ > beg_) {
                    const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(remaining, end_ - beg_));
                    if (!emit_buffered(take, deliver)) co_return;
                    beg_ += take;
                    remaining -= take;
                    continue;
                }
                beg_ = end_ = 0;
                if (deliver && !co_await writer_ready(false)) co_return;
                const auto ec = co_await read_more();
                if (ec == asio::error::eof) {
                    fail(get_error::partial_file,
                         fmt::format("transfer closed with {} bytes remaining to read", remaining));
                    co_return;
                }
                if (ec) {
                    fail_io(ec, "recv failure");
                    co_return;
                }
            }
            co_return;
        }
        case body_framing::chunked: {
            http::chunked_decoder decoder;
            while (true) {
                if (end_ > beg_) {
                    const auto r = decoder.feed(std::string_view(buf_.data() + beg_, end_ - beg_),
                                                [&](std::string_view data) {
                                                    if (!stopped_) emit(data, deliver);
                                                });
                    beg_ += r.consumed;
                    if (stopped_) co_return;
                    if (r.bad) {
                        fail(get_error::recv_error, fmt::format("bad chunked encoding: {}", r.error));
                        co_return;
                    }
                    if (r.done) co_return;
                }
                if (beg_ == end_) beg_ = end_ = 0;
                if (deliver && !co_await writer_ready(false)) co_return;
                const auto ec = co_await read_more();
                if (ec == asio::error::eof) {
                    fail(get_error::partial_file, "transfer closed with outstanding chunked data remaining to read");
                    co_return;
                }
                if (ec) {
                    fail_io(ec, "recv failure");
                    co_return;
                }
            }
        }
        case body_framing::until_close: {
            while (true) {
                if (end_ > beg_ && !emit_buffered(end_ - beg_, deliver)) co_return;
                beg_ = end_ = 0;
                if (deliver && !co_await writer_ready(false)) co_return;
                const auto ec = co_await read_more();
                if (ec == asio::error::eof) co_return;
                if (ec) {
                    fail_io(ec, "recv failure");
                    co_return;
                }
            }
        }
    }
}

bool transfer::tls_ready(const http::url& u) {
    if (u.scheme != "https" || tls_context_) return true;
    if (!tls::available()) {
        fail(get_error::unsupported_protocol, std::string(tls::not_built_message));
        return false;
    }
    tls::failure error = tls::failure::none;
    std::string why;
    tls_context_ = tls::client_context::create(opt_.tls, error, why);
    if (!tls_context_)
        fail(error == tls::failure::client_certificate ? get_error::client_certificate : get_error::ca_file, why);
    return tls_context_ != nullptr;
}

asio::awaitable<void> transfer::run() {
    result.effective_url = without_credentials(opt_.url);
    const auto parsed = http::parse_url(opt_.url);
    if (parsed.error != http::url_error::none) {
        fail(parsed.error == http::url_error::unsupported_scheme ? get_error::unsupported_protocol
                                                                 : get_error::malformed_url,
             parsed.message);
        co_return;
    }
    if (!tls_ready(parsed.value)) co_return;
    if (opt_.max_time) {
        overall_deadline_ = t0_ + *opt_.max_time;
        watchdog_.expires_at(*overall_deadline_);
        watchdog_.async_wait([this](const std::error_code& ec) {
            if (ec) return;
            overall_expired_ = true;
            net::traced_close(sock_);  // every pending read or write ends at once
            writer_wake_.cancel();     // and so does a wait for the body's writer
        });
    }

    http::url current = parsed.value;
    const http::url original = parsed.value;
    request_spec spec;
    spec.method = !opt_.method.empty() ? opt_.method : opt_.head_only ? "HEAD" : opt_.body ? "POST" : "GET";
    spec.headers = opt_.headers;
    spec.user_agent = opt_.user_agent;
    spec.body = opt_.body;
    spec.form_content_type = opt_.form_content_type;

    while (true) {
        const auto hop_start = clock::now();
        if (result.redirects > 0) {  // the phases shown are the last request's
            result.times = timings{};
            result.times.redirect = now();
        }
        result.effective_url = current.to_string();

        response_info head;
        http::framing_result framing{};
        outcome o = outcome::retry;
        for (int tries = 0; o == outcome::retry && tries < 2; ++tries) {
            bool reused = sock_.is_open() && reusable_ && conn_scheme_ == current.scheme &&
                          conn_host_ == current.host && conn_port_ == current.port;
            if (reused) {
                result.times.namelookup = result.times.connect = now();
                std::error_code ignored;
                if (ev_.connected) ev_.connected(current.host, sock_.remote_endpoint(ignored), true);
            } else {
                close();
                if (!co_await connect(current, hop_start)) co_return;
            }
            o = co_await exchange(current, spec, reused, head, framing);
            if (o == outcome::retry) close();
        }
        if (o != outcome::ok) co_return;

        result.status = head.status;
        result.content_type = head.header("Content-Type") ? *head.header("Content-Type") : "";
        result.headers = head.headers;
        result.content_length = framing.framing == http::body_framing::content_length
                                    ? std::optional<std::uint64_t>(framing.length)
                                    : std::nullopt;
        const std::string* location = head.header("Location");
        const bool redirect = opt_.follow_redirects && location != nullptr && is_followed_redirect(head.status);
        if (ev_.response) ev_.response(head, false, redirect);
        if (opt_.include_head) writer_.write_head(head.raw);

        if (redirect) {
            if (opt_.max_redirects >= 0 && result.redirects >= opt_.max_redirects) {
                fail(get_error::too_many_redirects, fmt::format("maximum ({}) redirects followed", opt_.max_redirects));
                co_return;
            }
            auto next = http::resolve_reference(current, *location);
            if (next.error != http::url_error::none) {
                fail(next.error == http::url_error::unsupported_scheme ? get_error::unsupported_protocol
                                                                       : get_error::malformed_url,
                     "redirect to " + next.message);
                co_return;
            }
            if (!tls_ready(next.value)) co_return;
            // Drain a small body to keep the connection; otherwise start afresh.
            const bool same = next.value.scheme == current.scheme && next.value.host == current.host &&
                              next.value.port == current.port;
            const bool small = framing.framing == http::body_framing::none ||
                               (framing.framing == http::body_framing::content_length &&
                                framing.length <= max_drained_redirect_body);
            if (same && reusable_ && small) {
                co_await read_body(framing, false);
                if (failed()) co_return;
                end_of_response();
            } else {
                close();
            }
            const auto step = next_after_redirect(head.status, spec.method);
            spec.method = step->method;
            if (!step->keep_body) spec.body.reset();
            // Credentials go only to the origin (scheme, host, port) they were given for
            // (curl's rule), or with the new URL's own userinfo.
            const bool same_origin = next.value.scheme == original.scheme && next.value.host == original.host &&
                                     next.value.port == original.port;
            spec.send_credentials = !next.value.userinfo.empty() || same_origin;
            // The same for credentials given with -H (curl's CVE-2018-1000007 fix): no
            // Authorization, Cookie or custom Host to another server.
            if (!same_origin) drop_origin_bound_headers(spec.headers);
            current = std::move(next.value);
            ++result.redirects;
            continue;
        }

        if (opt_.fail_on_http_error && head.status >= 400) {
            fail(get_error::http_error, fmt::format("the requested URL returned error: {}", head.status));
            co_return;
        }
        if (opt_.max_filesize && result.content_length && *result.content_length > *opt_.max_filesize) {
            fail(get_error::filesize_exceeded,
                 fmt::format("maximum file size exceeded: the response announces {} bytes, the limit is {}",
                             *result.content_length, *opt_.max_filesize));
            co_return;
        }
        under_way_ = phase::body;
        co_await read_body(framing, true);
        if (failed()) co_return;
        end_of_response();
        writer_.finish();
        if (!co_await writer_ready(true)) co_return;
        result.times.total = now();
        result.times.complete = true;
        if (ev_.on_progress)
            ev_.on_progress(progress{result.size_download, result.content_length,
                                     result.times.total - *result.times.pretransfer, true});
        co_return;
    }
}

}  // namespace

const std::string* response_info::header(std::string_view name) const {
    for (const auto& [n, v] : headers)
        if (http::iequals(n, name)) return &v;
    return nullptr;
}

std::vector<std::pair<std::string, std::vector<std::string>>> headers_by_name(
    const std::vector<std::pair<std::string, std::string>>& headers) {
    std::vector<std::pair<std::string, std::vector<std::string>>> grouped;
    for (const auto& [name, value] : headers) {
        std::string key = name;
        for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        auto it = std::find_if(grouped.begin(), grouped.end(), [&](const auto& g) { return g.first == key; });
        if (it == grouped.end()) it = grouped.insert(grouped.end(), {key, {}});
        it->second.push_back(value);
    }
    return grouped;
}

get_result run_get(const get_options& options, const get_events& events, body_sink body) {
    asio::io_context ctx(1);
    transfer t(ctx, options, events, std::move(body));
    std::exception_ptr failure;
    t.catch_stop_signals();
    asio::co_spawn(ctx, t.run(), [&](const std::exception_ptr& e) {
        failure = e;
        t.finish();  // also ends the waits for the deadline and for signals
    });
    ctx.run();
    t.finish();  // when a stop signal ended the run early
    t.keep_what_arrived();
    if (failure) std::rethrow_exception(failure);
    return std::move(t.result);
}

std::string without_credentials(std::string_view url) {
    const auto scheme_end = url.find("://");
    const std::size_t start = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
    const auto authority_end = url.find_first_of("/?#", start);
    const auto authority = url.substr(start, authority_end == std::string_view::npos ? url.npos : authority_end - start);
    const auto at = authority.rfind('@');
    if (at == std::string_view::npos) return std::string(url);
    return std::string(url.substr(0, start)) + std::string(url.substr(start + at + 1));
}

std::string remote_file_name(std::string_view text) {
    const auto parsed = http::parse_url(text);
    if (parsed.error != http::url_error::none) return {};
    std::string_view path = parsed.value.target;
    path = path.substr(0, path.find('?'));
    const auto slash = path.rfind('/');
    const auto name = slash == std::string_view::npos ? path : path.substr(slash + 1);
    if (name.empty() || name == "." || name == ".." || name.find_first_of("\\:") != std::string_view::npos) return {};
    return std::string(name);
}

}  // namespace netlab::client
