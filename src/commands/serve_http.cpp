// netlab serve-http: serve a folder over HTTP/1.1 and show each request.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <iterator>
#include <cstdint>
#include <thread>
#include <vector>

#include "cli/exit_codes.hpp"
#include "cli/output.hpp"
#include "cli/resource_error.hpp"
#include "cli/text.hpp"
#include "tls/server.hpp"
#include "cli/validators.hpp"
#include "commands/event_time.hpp"
#include "commands/options.hpp"
#include "commands/registry.hpp"
#include "http/listing.hpp"
#include "net/endpoint.hpp"
#include "server/report_text.hpp"
#include "server/server.hpp"

namespace netlab::commands {
namespace {

using cli::json_object;
using cli::style;

struct serve_options {
    server::server_config config;
    std::string root = ".";
    double header_timeout_s = 10;
    double idle_timeout_s = 60;
    std::string tls_cert, tls_key;
    bool tls_self_signed = false;
};

std::chrono::milliseconds seconds(double s) { return std::chrono::milliseconds(static_cast<long long>(s * 1000)); }

style status_style(int status) {
    if (status >= 500) return style::red;
    if (status >= 400) return style::yellow;
    if (status >= 300) return style::cyan;
    return style::green;
}

// A list of phrases joined by ", ", for the summary.
std::string joined(const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : ", ") + p;
    return out;
}

server::server_events make_events(cli::output& out) {
    server::server_events ev;
    ev.on_listening = [&out](const server::listening_info& info) {
        json_object o;
        o.add("event", "listening")
            .add("address", info.address)
            .add("port", static_cast<unsigned>(info.port))
            .add("dual_stack", info.dual_stack)
            .add_raw("urls", cli::json_string_array(info.urls.data(), info.urls.data() + info.urls.size()))
            .add("mode", info.echo ? "echo" : "files");
        if (!info.echo) o.add("root", info.root);  // --echo serves no folder
        o.add("threads", info.threads);
        if (!info.tls_fingerprint.empty())
            o.add("tls_fingerprint", info.tls_fingerprint).add("tls_certificate", info.tls_certificate_pem);
        std::string human = info.echo ? "Echoing every request back as text on:"
                                      : fmt::format("Serving {} on:", out.paint(info.root, style::bold));
        for (const auto& u : info.urls) human += "\n  " + out.paint(u, style::cyan);
        if (!info.tls_fingerprint.empty())
            human += fmt::format("\nTLS certificate SHA-256 fingerprint:\n  {}", info.tls_fingerprint);
        human += "\nPress Ctrl-C to stop.";
        out.result(o, human);  // where to connect is the output asked for, even with -q
    };
    // One line a request: only what the mode prints is built (it is the hot path's cost).
    ev.on_request = [&out](const server::request_record& r) {
        const auto stamp = iso_time_stamp(r.unix_ms);
        const std::string_view time = stamp.view();
        if (out.json()) {
            json_object o(320);
            o.add("event", "request")
                .add("time", time)
                .add("client", r.client)
                .add("method", r.method)
                .add("target", r.target)
                .add("version", r.version)
                .add("status", r.status)
                .add("bytes", r.bytes)
                .add("duration_ms", r.duration_ms);
            if (!r.error.empty()) o.add("error", r.error);
            if (!r.cut_off.empty()) o.add("cut_off", r.cut_off).add("expected_bytes", r.expected_bytes);
            if (r.listing_entries > 0) o.add("listing_shown", r.listing_shown).add("listing_entries", r.listing_entries);
            out.event(o, {});
            return;
        }
        // The target is the client's bytes: escaped, so it cannot drive the terminal.
        thread_local std::string line;  // reused: the hot path does not allocate for it
        line.clear();
        fmt::format_to(std::back_inserter(line), "{} {} \"{} {} {}\" {} {} {:.2f}ms", time, r.client, r.method,
                       server::printable(r.target), r.version,
                       out.paint(std::to_string(r.status), status_style(r.status)), r.bytes, r.duration_ms);
        if (!r.error.empty()) line += fmt::format(" ({})", r.error);
        if (r.listing_entries > 0)
            line += fmt::format(" (listing cut: the first {} of {} entries shown)", r.listing_shown, r.listing_entries);
        if (!r.cut_off.empty())
            line += out.paint(fmt::format(" (cut off after {} of {} bytes: {})", r.bytes, r.expected_bytes, r.cut_off),
                              style::red);
        out.event(json_object{}, line);
    };
    // A failed TLS handshake: one line beside the access log, with OpenSSL's reason (nginx
    // puts it in its error log: "SSL_do_handshake() failed ... while SSL handshaking").
    ev.on_tls_failure = [&out](const server::tls_failure_record& f) {
        const auto stamp = iso_time_stamp(f.unix_ms);
        const std::string_view time = stamp.view();
        json_object o;
        o.add("event", "tls_handshake_failed").add("time", time).add("client", f.client).add("reason", f.reason);
        if (f.refused) o.add("refused", true);
        out.event(o, out.paint(fmt::format("{} {} TLS handshake failed: {}{}", time, f.client, f.reason,
                                           f.refused ? " (refused over --max-connections)" : ""),
                               style::yellow));
    };
    ev.on_dump = [&out](const server::dump_record& d) {
        const bool truncated = d.body.size() < d.body_bytes;
        json_object o;
        o.add("event", "dump")
            .add("client", d.client)
            .add("head", d.head)
            .add("body_bytes", d.body_bytes)
            .add("body", d.body)
            .add("body_truncated", truncated);
        // Head and body as the client wrote them, control bytes escaped, each line marked
        // "> " so that none can pass for a line of the access log.
        const std::string text = server::dumped_lines(d.head) + server::dumped_lines(d.body);
        const std::string size = d.body_bytes == 0 ? "(no body)"
                                  : truncated      ? fmt::format("(body: {}, the first {} shown)",
                                                                 cli::count_of(d.body_bytes, "byte"), d.body.size())
                                                   : fmt::format("(body: {})", cli::count_of(d.body_bytes, "byte"));
        out.result(o, fmt::format("{}\n{}{}", out.paint(fmt::format("--- request from {} ---", d.client), style::dim),
                                  text, out.paint(size, style::dim)));
    };
    // A stop signal taken: a JSON event (scripts and tests learn that the grace period has
    // begun), and for a person a note as before.
    ev.on_shutdown = [&out](const server::shutdown_record& r) {
        if (out.json()) {
            json_object o;
            o.add("event", "shutdown").add("stage", r.stage);
            if (!r.reason.empty()) o.add("reason", r.reason);
            o.add("grace_s", r.grace_s).add("open", r.open);
            out.event(o, {});
        } else if (r.stage == "grace") {
            out.note("shutting down: finishing responses in flight");
        } else if (r.stage == "cut_off") {
            out.note(fmt::format("closing {} left open: {}", cli::count_of(r.open, "connection"), r.reason));
        } else {
            out.note("stopping now");
        }
    };
    // How many workers take connections, as the balancer changes it: detail for -v.
    ev.on_workers = [&out](const server::workers_record& w) {
        if (out.verbosity() < 1) return;
        json_object o;
        o.add("event", "workers").add("active", w.active).add("threads", w.threads).add("reason", w.reason);
        out.event(o, fmt::format("workers taking connections: {} of {} ({})", w.active, w.threads, w.reason));
    };
    // -v: each connection as it opens and closes, a worker that stays busy in one answer,
    // memory given back after a burst. Not set below -v: the hot path pays nothing for them.
    if (out.verbosity() >= 1) {
        ev.on_connection = [&out](const server::connection_record& c) {
            const auto stamp = iso_time_stamp(c.unix_ms);
            const std::string_view time = stamp.view();
            json_object o;
            o.add("event", "connection")
                .add("time", time)
                .add("state", c.closed ? "closed" : "open")
                .add("client", c.client)
                .add("worker", c.worker)
                .add("open", c.open);
            if (!c.closed) {
                out.event(o, fmt::format("{} {} connection opened (worker {}, {} open)", time, c.client, c.worker, c.open));
                return;
            }
            o.add("reason", c.reason).add("requests", c.requests).add("since_accept_ms", c.since_accept_ms);
            if (c.refused) o.add("refused", true);
            if (c.idle_ms >= 0) o.add("idle_ms", c.idle_ms);
            if (c.since_first_byte_ms >= 0) o.add("since_first_byte_ms", c.since_first_byte_ms);
            std::string human = fmt::format("{} {} connection closed: {} ({}, {:.0f} ms after accept", time, c.client,
                                            server::printable(c.reason), cli::count_of(c.requests, "answer"),
                                            c.since_accept_ms);
            if (c.idle_ms >= 0) human += fmt::format(", idle {:.0f} ms", c.idle_ms);
            human += fmt::format("; {} open)", c.open);
            out.event(o, human);
        };
        ev.on_worker_busy = [&out](const server::worker_busy_record& b) {
            json_object o;
            o.add("event", "worker_busy").add("worker", b.worker).add("busy_ms", b.busy_ms);
            out.event(o, fmt::format("worker {} busy in one answer for {:.0f} ms: new connections go to other workers",
                                     b.worker, b.busy_ms));
        };
        ev.on_memory_released = [&out](const server::memory_record& m) {
            json_object o;
            o.add("event", "memory_released").add("worker", m.worker).add("connections", m.connections).add("peak", m.peak);
            out.event(o, fmt::format("worker {} gave freed memory back to the OS ({} now, {} at most before)", m.worker,
                                     cli::count_of(m.connections, "connection"), m.peak));
        };
    }
    ev.on_internal_error = [&out](const std::exception& e) {
        // Out of descriptors or memory for one connection is no bug: the same words as
        // every subcommand's resource error, and the server goes on with the others.
        if (const auto text = cli::resource_error_text(e)) {
            out.error(fmt::format("{}; still serving", *text));
            return;
        }
        out.error(fmt::format("internal error, still serving: {}", e.what()));
    };
    return ev;
}

// A certificate outside its validity period is served (the operator may know why), but
// every client that checks it will refuse it: said at start, not learnt from the log.
void warn_about_validity(cli::output& out, const std::string& file, const tls::server_context& context) {
    const auto state = context.validity_now();
    if (state == tls::server_context::validity::valid) return;
    const auto& cert = context.certificate();
    const bool expired = state == tls::server_context::validity::expired;
    const std::string text =
        expired ? fmt::format("--tls-cert {} expired on {}: clients that check it will refuse it", file, cert.not_after)
                : fmt::format("--tls-cert {} is not valid before {}: clients that check it will refuse it", file,
                              cert.not_before);
    if (out.json()) {
        json_object o;
        o.add("event", "warning")
            .add("text", text)
            .add("not_before", cert.not_before)
            .add("not_after", cert.not_after);
        out.result(o, {});
    } else {
        out.error("warning: " + text);
    }
}

int report_start_error(cli::output& out, const serve_options& o, const std::error_code& ec) {
    out.error(listen_failure("", o.config.bind_address, o.config.port, ec, "--port 0"));
    return cli::exit_code::failure;
}

int run(cli::output& out, serve_options& o) {
    o.config.root = o.root;
    o.config.header_timeout = seconds(o.header_timeout_s);
    o.config.idle_timeout = seconds(o.idle_timeout_s);
    o.config.access_log = !out.quiet();
    if (o.tls_self_signed || !o.tls_cert.empty()) {
        std::string why;
        o.config.tls = o.tls_self_signed
                           ? tls::server_context::self_signed({o.config.bind_address}, why)
                           : tls::server_context::from_files(o.tls_cert, o.tls_key, why);
        if (!o.config.tls) {
            out.error(why);
            return tls::available() ? cli::exit_code::usage : cli::exit_code::failure;
        }
    }
    // Serving never waits for the log to be read: a stalled stdout costs log lines (counted
    // in the summary), never requests.
    out.write_in_background();
    server::server srv(o.config, make_events(out));
    if (const auto ec = srv.start()) return report_start_error(out, o, ec);
    // After the listening event, which stays the first line a script reads.
    if (o.config.tls) warn_about_validity(out, o.tls_cert, *o.config.tls);
    const auto s = srv.run();
    json_object sum;
    sum.add("event", "summary")
        .add("requests", s.requests)
        .add("bytes", s.bytes)
        .add("connections", s.connections)
        .add("client_errors", s.client_errors)
        .add("server_errors", s.server_errors)
        .add("timeouts", s.timeouts)
        .add("refused", s.refused)
        .add("cut_off", s.cut_off)
        .add("tls_failures", s.tls_failures)
        .add("dropped_lines", out.dropped_lines())
        .add("uptime_s", s.uptime_s)
        .add("shutdown_s", s.shutdown_s);
    // 4xx answers are the client's business (a typo, a missing favicon), not the server's
    // errors: they are counted apart from 5xx.
    std::vector<std::string> answers;
    using cli::count_of;
    const auto errors = s.client_errors + s.server_errors;
    if (s.requests > errors) answers.push_back(fmt::format("{} ok", s.requests - errors));
    if (s.client_errors) answers.push_back(count_of(s.client_errors, "client answer") + " (4xx)");
    if (s.server_errors) answers.push_back(count_of(s.server_errors, "server error") + " (5xx)");
    std::vector<std::string> trouble;
    if (s.refused) trouble.push_back(count_of(s.refused, "refusal") + " over --max-connections");
    if (s.cut_off) trouble.push_back(count_of(s.cut_off, "response") + " cut off");
    if (s.timeouts) trouble.push_back(count_of(s.timeouts, "timeout"));
    if (s.tls_failures) trouble.push_back(count_of(s.tls_failures, "failed TLS handshake"));
    if (const auto dropped = out.dropped_lines())
        trouble.push_back(count_of(dropped, "log line") + " dropped (the output was not read fast enough)");
    std::string human = fmt::format("Stopped after {:.1f} s. {} on {}, {} sent", s.uptime_s, count_of(s.requests, "request"),
                                    count_of(s.connections, "connection"), http::human_size(s.bytes));
    if (!answers.empty()) human += ": " + joined(answers);
    if (!trouble.empty()) human += "; " + joined(trouble);
    out.event(sum, human);
    return cli::exit_code::ok;
}

}  // namespace

void add_serve_http(CLI::App& app, runner& chosen) {
    auto opts = std::make_shared<serve_options>();
    auto& c = opts->config;
    c.threads = std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
    auto* sub = app.add_subcommand("serve-http", "Serve a folder over HTTP/1.1 and show each request");
    sub->add_option("DIR", opts->root, "Folder to serve (default: the current folder)")->check(cli::existing_folder());
    sub->add_option("-p,--port", c.port, "TCP port; 0 picks a free one")
        ->option_text("N")
        ->check(cli::whole_number(0, 65535))
        ->capture_default_str();
    sub->add_option("-b,--bind", c.bind_address, "Address to listen on (default: all, IPv6 and IPv4)")
        ->option_text("ADDR")
        ->check(local_address());
    sub->add_option("--threads", c.threads, "Worker threads; as many take connections as the load needs (default: one per core, at most 8)")
        ->option_text("N")
        ->check(cli::whole_number(1, 256));
    sub->add_flag("--echo", c.echo, "Answer every request with the request itself, as text (serves no files)");
    sub->add_flag("--dump", c.dump, "Print each request as received: head and body");
    sub->add_flag("--no-listing", [&c](std::int64_t) { c.listing = false; }, "No HTML listing for folders without index.html");
    sub->add_flag("--hidden", c.hidden, "Serve and list dotfiles (.git, .env, ...)");
    sub->add_flag("--follow-symlinks", c.follow_symlinks, "Serve symlinks that lead outside the folder");
    sub->add_flag("--cors", c.cors, "Allow cross-origin requests (Access-Control-Allow-Origin: *)");
    auto* cert = sub->add_option("--tls-cert", opts->tls_cert, "Serve HTTPS with the certificate in FILE (PEM; its chain may follow)")
                     ->option_text("FILE")
                     ->check(CLI::ExistingFile);
    auto* key = sub->add_option("--tls-key", opts->tls_key, "The private key for --tls-cert (PEM, unencrypted)")
                    ->option_text("FILE")
                    ->check(CLI::ExistingFile);
    cert->needs(key);
    key->needs(cert);
    sub->add_flag("--tls-self-signed", opts->tls_self_signed,
                  "Serve HTTPS with a key and certificate made at start for localhost, 127.0.0.1, ::1 and --bind; "
                  "its SHA-256 fingerprint is printed")
        ->excludes(cert)
        ->excludes(key);
    sub->add_option("--header-timeout", opts->header_timeout_s, "Seconds a client may take to send a request head (the first: from connecting)")
        ->option_text("SECONDS")
        ->check(cli::decimal_number(0.05, 3600.0, "seconds"))
        ->capture_default_str();
    sub->add_option("--idle-timeout", opts->idle_timeout_s, "Seconds a keep-alive connection may stay idle")
        ->option_text("SECONDS")
        ->check(cli::decimal_number(0.05, 86400.0, "seconds"))
        ->capture_default_str();
    sub->add_option("--max-connections", c.max_connections, "Open connections at most (503 beyond)")
        ->option_text("N")
        ->check(cli::whole_number(1, 1'000'000))
        ->capture_default_str();
    sub->footer(
        "Examples:\n"
        "  netlab serve-http                      serve the current folder on port 8080\n"
        "  netlab serve-http ~/site -p 0          any free port; the URLs are printed\n"
        "  netlab serve-http --echo --dump        show what clients really send\n"
        "  netlab serve-http --tls-self-signed -p 8443   HTTPS with a certificate made at start\n"
        "  netlab --json serve-http -p 0 -q       JSON lines: where it listens, then a summary\n"
        "  netlab --trace serve-http -b 127.0.0.1 each socket call: socket, bind, listen, accept...");
    sub->callback([opts, &chosen] { chosen = [opts](cli::output& out) { return run(out, *opts); }; });
}

}  // namespace netlab::commands
