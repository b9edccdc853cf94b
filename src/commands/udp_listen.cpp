// netlab udp-listen: receive datagrams on a port and show each one (where it came from,
// where it was sent to, the payload), echo them, and count probe streams from udp-send.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <array>
#include <mutex>
#include <optional>
#include <system_error>

#include "cli/exit_codes.hpp"
#include "cli/output.hpp"
#include "cli/text.hpp"
#include "cli/validators.hpp"
#include "commands/options.hpp"
#include "commands/registry.hpp"
#include "commands/udp_output.hpp"
#include "net/endpoint.hpp"
#include "netlab/platform/error.hpp"
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
    static constexpr std::array<std::string_view, 4> names{"count", "timeout", "signal", "output_closed"};
    return names[static_cast<std::size_t>(r)];
}

// The kernel's drop counter in words: named where the OS keeps one, said where it does not.
std::string kernel_drops_text(const std::optional<std::uint64_t>& drops) {
    if (!drops) return "kernel drops not counted on this OS";
    if (*drops == 0) return "none dropped by the kernel";
    return fmt::format("{} dropped by the kernel (receive buffer full)", cli::grouped(*drops));
}

void add_kernel_drops(json_object& o, std::string_view key, const std::optional<std::uint64_t>& drops) {
    if (drops) o.add(key, *drops);
    else o.add_null(key);
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
        o.add_raw("addresses", cli::json_string_array(info.addresses.data(), info.addresses.data() + info.addresses.size()));
        std::string where;
        for (const auto& a : info.addresses) {
            if (!where.empty()) where += " and ";
            where += out.paint(net::to_string(asio::ip::make_address(a), info.port), style::bold);
        }
        out.result(o, fmt::format("Listening on UDP {}{}; Ctrl-C to stop.", where, info.dual_stack ? " (IPv6 and IPv4)" : ""));
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
    ev.on_interval = [&out](const udp::interval_traffic& t) {
        json_object o;
        o.add("event", "interval")
            .add("elapsed_s", t.elapsed_s)
            .add("span_s", t.span_s)
            .add("datagrams", t.datagrams)
            .add("bytes", t.bytes)
            .add("total_datagrams", t.total_datagrams);
        add_kernel_drops(o, "kernel_drops", t.kernel_drops);
        o.add("new_kernel_drops", t.new_kernel_drops);
        std::string drops = kernel_drops_text(t.kernel_drops);
        if (t.new_kernel_drops > 0) drops += fmt::format(", {} in this interval", cli::grouped(t.new_kernel_drops));
        out.event(o, fmt::format("{:.1f} s: {} ({}) in the last {:.1f} s, {} in all; {}", t.elapsed_s,
                                 cli::count_of(t.datagrams, "datagram"), cli::count_of(t.bytes, "byte"), t.span_s,
                                 cli::grouped(t.total_datagrams), drops));
    };
    return ev;
}

int run(cli::output& out, listen_options& o) {
    o.config.idle_timeout = seconds(o.timeout_s);
    o.config.report_interval = seconds(o.interval_s);
    // Receiving never waits for the output to be read: a paused `| less` or a stuck log
    // pipe costs lines (counted in the summary), never datagrams, and Ctrl-C still stops it.
    out.write_in_background();
    udp::listener l(o.config, make_events(out, o.view));
    if (const auto ec = l.start()) {
        out.error(listen_failure("UDP ", o.config.bind_address, o.config.port, ec, "port 0"));
        return cli::exit_code::failure;
    }
    // A stdout that cannot be written any more (`| head -1` has read its line) ends the
    // listener: all it would print is lost.
    std::error_code output_error;
    std::mutex output_error_mutex;
    out.on_stdout_failure([&](const std::error_code& ec) {
        {
            std::lock_guard lock(output_error_mutex);
            output_error = ec;
        }
        l.request_stop(udp::stop_reason::output);
    });
    const auto s = l.run();
    out.on_stdout_failure(nullptr);
    if (s.reason == udp::stop_reason::output) {
        std::lock_guard lock(output_error_mutex);
        // The reader has gone, as `head` means to: quietly, with the status a shell gives a
        // writer that SIGPIPE ended. Anything else (a full disk) is said.
        if (platform::classify(output_error) == platform::error_kind::broken_pipe) return cli::exit_code::reader_gone;
        out.error(fmt::format("cannot write to stdout: {}", platform::describe(output_error)));
        return cli::exit_code::failure;
    }
    const auto dropped_lines = out.dropped_lines();
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
    add_kernel_drops(sum, "kernel_drops", s.kernel_drops);
    sum.add("dropped_lines", dropped_lines).add("uptime_s", s.uptime_s).add("stopped_by", stop_name(s.reason));
    using cli::count_of;
    std::string human = fmt::format("Stopped after {:.1f} s ({}): {}, {}, {} truncated, {} echoed, {} in {}; {}",
                                    s.uptime_s, stop_name(s.reason), count_of(s.datagrams, "datagram"),
                                    count_of(s.bytes, "byte"), cli::grouped(s.truncated), cli::grouped(s.echoed),
                                    count_of(s.probe_datagrams, "probe datagram"), count_of(s.sessions, "session"),
                                    kernel_drops_text(s.kernel_drops));
    // What was refused is named only when something was.
    std::string refused;
    const auto add = [&refused](std::uint64_t n, std::string_view one, std::string_view many) {
        if (n > 0) refused += fmt::format("{}{}", refused.empty() ? "; refused: " : ", ", cli::count_of(n, one, many));
    };
    add(s.evictions, "live session dropped for room", "live sessions dropped for room");
    add(s.other_address, "probe datagram from another address than its session's",
        "probe datagrams from another address than their session's");
    add(s.unknown_fins, "fin for an unknown session", "fins for unknown sessions");
    add(s.short_fins, "fin too small to answer", "fins too small to answer");
    add(s.echoes_to_self, "echo to our own address", "echoes to our own address");
    add(s.echoes_limited, "echo over the per-address limit", "echoes over the per-address limit");
    human += refused;
    if (dropped_lines > 0)
        human += fmt::format("; {} dropped (the output was not read fast enough)", count_of(dropped_lines, "output line"));
    out.final_event(sum, human);
    return cli::exit_code::ok;
}

}  // namespace

void add_udp_listen(CLI::App& app, runner& chosen) {
    auto opts = std::make_shared<listen_options>();
    auto& c = opts->config;
    auto* sub = app.add_subcommand("udp-listen", "Receive UDP datagrams and show each one; echo them; count probe streams");
    sub->add_option("PORT", c.port, "UDP port to listen on; 0 picks a free one")->check(cli::whole_number(0, 65535))->required();
    sub->add_option("-b,--bind", c.bind_address, "Address to listen on (default: all, IPv6 and IPv4; localhost: ::1 and 127.0.0.1)")
        ->option_text("ADDR")
        ->check(local_address());
    sub->add_flag("--echo", c.echo,
                  "Send every datagram back to its sender (probe streams get their report instead); never to this "
                  "listener's own address, and at most --echo-limit a second to one address");
    sub->add_option("--echo-limit", c.echo_rate,
                    "--echo: echoes per second to one address, and as many at once (default 10,000): one spoofed "
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
    sub->add_option("--interval", opts->interval_s, "Report traffic (datagrams, kernel drops) and probe sessions every S seconds (default: at the end)")
        ->option_text("S")
        ->check(cli::decimal_number(0.001, 86400, "seconds"));
    sub->footer(
        "Examples:\n"
        "  netlab udp-listen 5000                 show what arrives on port 5000\n"
        "  netlab udp-listen 0 --echo             any free port; send every datagram back\n"
        "  netlab udp-listen 5000 --headers --hex the UDP header box and a hex dump\n"
        "  netlab udp-listen 5000 --interval 1    report probe streams (udp-send --probe) each second\n"
        "Stops on Ctrl-C, --count or --timeout, prints a summary and exits 0; exits 141 without a\n"
        "word when the reader of its output has gone (`| head -1`), as a program SIGPIPE ended.");
    sub->callback([opts, &chosen] { chosen = [opts](cli::output& out) { return run(out, *opts); }; });
}

}  // namespace netlab::commands
