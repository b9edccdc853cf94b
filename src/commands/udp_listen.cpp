// netlab udp-listen: receive datagrams on a port and show each one (where it came from,
// where it was sent to, the payload), echo them, and count probe streams from udp-send.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <array>

#include "cli/exit_codes.hpp"
#include "cli/output.hpp"
#include "cli/validators.hpp"
#include "commands/options.hpp"
#include "commands/registry.hpp"
#include "commands/udp_output.hpp"
#include "net/endpoint.hpp"
#include "udp/listener.hpp"

namespace netlab::commands {
namespace {

using cli::json_object;
using cli::style;

struct listen_options {
    udp::listen_config config;
    payload_view view;
    double timeout_s = 0;
    double interval_s = 0;
};

// --count at most: a limit nobody reaches, written out in full in the refusal.
constexpr long long max_count = 4'000'000'000;

std::chrono::milliseconds seconds(double s) { return std::chrono::milliseconds(static_cast<long long>(s * 1000)); }

// How each report reason and stop reason reads: one table each (JSON name, words).
struct reason_text {
    std::string_view name;
    std::string_view words;
};

reason_text text_of(udp::report_reason r) {
    static constexpr std::array<reason_text, 4> table{{
        {"interval", "so far"},
        {"closed", "final, the sender closed"},
        {"stopped", "final, stopped before the sender closed"},
        {"dropped", "dropped to make room for a new session"},
    }};
    return table[static_cast<std::size_t>(r)];
}

// What the listener refused, and why: one table (JSON name, words).
reason_text text_of(udp::refusal r) {
    static constexpr std::array<reason_text, 6> table{{
        {"other_address", "is another address's session: not counted"},
        {"unknown_fin", "is a fin for a session this listener does not have from that address: answered \"unknown session\""},
        {"short_fin", "is a fin smaller than a report: not answered (the sender needs a newer netlab)"},
        {"echo_to_self", "comes from this listener's own address: not echoed"},
        {"echo_rate_limited", "exceeds the echo limit for that address: echoes paused"},
        {"echo_no_room", "comes from one address too many to follow: not echoed"},
    }};
    return table[static_cast<std::size_t>(r)];
}

std::string_view stop_name(udp::stop_reason r) {
    static constexpr std::array<std::string_view, 3> names{"count", "timeout", "signal"};
    return names[static_cast<std::size_t>(r)];
}

udp::listen_events make_events(cli::output& out, const payload_view& view) {
    udp::listen_events ev;
    ev.on_listening = [&out](const udp::listening_info& info) {
        json_object o;
        o.add("event", "listening")
            .add("address", info.address)
            .add("port", static_cast<unsigned>(info.port))
            .add("dual_stack", info.dual_stack)
            .add("coalescing", info.coalescing);
        const std::string where = net::to_string(asio::ip::make_address(info.address), info.port);
        out.result(o, fmt::format("Listening on UDP {}{}; Ctrl-C to stop.", out.paint(where, style::bold),
                                  info.dual_stack ? " (IPv6 and IPv4)" : ""));
    };
    ev.on_datagram = [&out, view](const platform::datagram& d) { print_datagram(out, "datagram", d, view); };
    ev.on_report = [&out](const udp::session_info& s, const udp::probe::report_body& r, udp::report_reason why) {
        json_object o;
        o.add("event", "probe_report")
            .add("view", "listener")
            .add("session", session_text(s.id))
            .add("peer", net::to_string(s.peer))
            .add("reason", text_of(why).name)
            .add("final", why != udp::report_reason::interval);
        add_report_fields(o, r);
        out.result(o, fmt::format("probe {} from {} ({}):\n{}", session_text(s.id), net::to_string(s.peer),
                                  text_of(why).words, report_text(r)));
    };
    ev.on_notice = [&out](std::string_view text) { out.note(text); };
    ev.on_refusal = [&out](const udp::refusal_info& r) {
        json_object o;
        o.add("event", "refused").add("reason", text_of(r.what).name).add("source", net::to_string(r.from));
        const bool probe = r.what == udp::refusal::other_address || r.what == udp::refusal::unknown_fin ||
                           r.what == udp::refusal::short_fin;
        if (probe) o.add("session", session_text(r.session));
        if (r.what == udp::refusal::other_address) o.add("peer", net::to_string(r.peer));
        const std::string what = probe ? fmt::format("probe {} from {}", session_text(r.session), net::to_string(r.from))
                                       : fmt::format("a datagram from {}", net::to_string(r.from));
        const std::string owner = r.what == udp::refusal::other_address
                                      ? fmt::format(" ({})", net::to_string(r.peer))
                                      : std::string();
        out.event(o, fmt::format("{} {}{}", what, text_of(r.what).words, owner));
    };
    return ev;
}

int run(cli::output& out, listen_options& o) {
    o.config.idle_timeout = seconds(o.timeout_s);
    o.config.report_interval = seconds(o.interval_s);
    udp::listener l(o.config, make_events(out, o.view));
    if (const auto ec = l.start()) {
        out.error(listen_failure("UDP ", o.config.bind_address, o.config.port, ec, "port 0"));
        return cli::exit_code::failure;
    }
    const auto s = l.run();
    json_object sum;
    sum.add("event", "summary")
        .add("datagrams", s.datagrams)
        .add("bytes", s.bytes)
        .add("truncated", s.truncated)
        .add("echoed", s.echoed)
        .add("probe_datagrams", s.probe_datagrams)
        .add("sessions", s.sessions)
        .add("evictions", s.evictions)
        .add("other_address", s.other_address)
        .add("unknown_fins", s.unknown_fins)
        .add("short_fins", s.short_fins)
        .add("echoes_to_self", s.echoes_to_self)
        .add("echoes_limited", s.echoes_limited);
    if (s.kernel_drops) sum.add("kernel_drops", *s.kernel_drops);
    else sum.add_null("kernel_drops");
    sum.add("uptime_s", s.uptime_s).add("stopped_by", stop_name(s.reason));
    // Drops are named only when there were some: they explain a probe's loss.
    const std::string drops = s.kernel_drops.value_or(0) > 0
                                  ? fmt::format(", {} dropped by the kernel (receive buffer full)", *s.kernel_drops)
                                  : std::string();
    // What was refused is named only when something was.
    std::string refused;
    const auto add = [&refused](std::uint64_t n, std::string_view what) {
        if (n > 0) refused += fmt::format("{}{} {}", refused.empty() ? "; refused: " : ", ", n, what);
    };
    add(s.evictions, "live sessions dropped for room");
    add(s.other_address, "probe datagrams from another address than their session's");
    add(s.unknown_fins, "fins for unknown sessions");
    add(s.short_fins, "fins too small to answer");
    add(s.echoes_to_self, "echoes to our own address");
    add(s.echoes_limited, "echoes over the per-address limit");
    out.event(sum, fmt::format("Stopped after {:.1f} s ({}): {} datagrams, {} bytes, {} truncated, {} echoed, {} probe "
                               "datagrams in {} sessions{}{}",
                               s.uptime_s, stop_name(s.reason), s.datagrams, s.bytes, s.truncated, s.echoed,
                               s.probe_datagrams, s.sessions, drops, refused));
    return cli::exit_code::ok;
}

}  // namespace

void add_udp_listen(CLI::App& app, runner& chosen) {
    auto opts = std::make_shared<listen_options>();
    auto& c = opts->config;
    auto* sub = app.add_subcommand("udp-listen", "Receive UDP datagrams and show each one; echo them; count probe streams");
    sub->add_option("PORT", c.port, "UDP port to listen on; 0 picks a free one")->check(cli::whole_number(0, 65535))->required();
    sub->add_option("-b,--bind", c.bind_address, "Address to listen on (default: all, IPv6 and IPv4)")
        ->option_text("ADDR")
        ->check(local_address());
    sub->add_flag("--echo", c.echo,
                  "Send every datagram back to its sender (probe streams get their report instead); never to this "
                  "listener's own address, and at most --echo-limit a second to one address");
    sub->add_option("--echo-limit", c.echo_rate,
                    "--echo: echoes per second to one address, and as many at once (default 1000): one spoofed "
                    "datagram cannot make two echoing listeners bounce it for ever")
        ->option_text("N")
        ->check(cli::decimal_number(1, 1e9, "echoes per second"));
    sub->add_option("--max-sessions", c.max_sessions,
                    "Probe sessions kept at once, about 56 KiB each (default 256); beyond, a finished one is "
                    "dropped, else the one quiet longest, and the sender is told")
        ->option_text("N")
        ->check(cli::whole_number(1, static_cast<long long>(udp::max_max_sessions)));
    sub->add_flag("--hex", opts->view.hex, "Show payloads as a hex dump instead of escaped text");
    sub->add_flag("--headers", opts->view.headers, "Show each datagram's UDP header: ports, length, RFC 768 checksum");
    sub->add_option("--count", c.count, "Stop after N datagrams (default: no limit)")
        ->option_text("N")
        ->check(cli::whole_number(1, max_count));
    sub->add_option("--timeout", opts->timeout_s, "Stop after S seconds without a datagram (default: never)")
        ->option_text("S")
        ->check(cli::decimal_number(0.001, 86400, "seconds"));
    sub->add_flag("--no-offload", [&c](std::int64_t) { c.offload = false; },
                  "Take datagrams from the kernel one by one (no UDP GRO), as most programs do");
    sub->add_option("--interval", opts->interval_s, "Report probe sessions every S seconds (default: at their end)")
        ->option_text("S")
        ->check(cli::decimal_number(0.001, 86400, "seconds"));
    sub->footer(
        "Examples:\n"
        "  netlab udp-listen 5000                 show what arrives on port 5000\n"
        "  netlab udp-listen 0 --echo             any free port; send every datagram back\n"
        "  netlab udp-listen 5000 --headers --hex the UDP header box and a hex dump\n"
        "  netlab udp-listen 5000 --interval 1    report probe streams (udp-send --probe) each second\n"
        "Stops on Ctrl-C, --count or --timeout, prints a summary and exits 0.");
    sub->callback([opts, &chosen] { chosen = [opts](cli::output& out) { return run(out, *opts); }; });
}

}  // namespace netlab::commands
