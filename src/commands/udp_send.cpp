// netlab udp-send: send datagrams to HOST PORT — a message, stdin lines, a UDP ping or a
// measuring probe stream — and show what comes back.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <array>
#include <cmath>
#include <iostream>
#include <optional>

#include "cli/exit_codes.hpp"
#include "cli/output.hpp"
#include "cli/text.hpp"
#include "cli/validators.hpp"
#include "commands/options.hpp"
#include "commands/registry.hpp"
#include "commands/udp_output.hpp"
#include "net/endpoint.hpp"
#include "netlab/platform/error.hpp"
#include "udp/sender.hpp"

namespace netlab::commands {
namespace {

using cli::json_object;
using udp::send_error;
using udp::send_mode;

struct send_options {
    udp::send_config config;
    std::optional<std::string> message;
    std::optional<std::uint64_t> count;
    double interval_s = 1;
    std::optional<std::size_t> size;
    std::optional<double> rate;
    std::optional<double> duration_s;
    std::optional<double> timeout_s;
    bool ping = false, probe = false, ipv4 = false, ipv6 = false;
};

// Default seconds to wait: for replies after the last message, for each ping reply, for
// the listener's report after a probe stream.
constexpr double default_timeout_s = 1;
constexpr double default_probe_timeout_s = 3;
constexpr double default_duration_s = 10;
constexpr double default_rate = 1000;
constexpr std::size_t default_size = 64;
// --count at most: a limit nobody reaches, written out in full in the refusal.
constexpr long long max_count = 4'000'000'000;

std::chrono::nanoseconds seconds(double s) { return std::chrono::nanoseconds(static_cast<long long>(s * 1e9)); }

// One line of stdin, read with a bound: a line longer than any datagram is handed over
// cut at udp::max_line_read bytes (and refused), never held whole.
std::optional<std::string> read_stdin_line() {
    auto* in = std::cin.rdbuf();
    std::string line;
    for (;;) {
        const auto c = in->sbumpc();
        if (c == std::char_traits<char>::eof()) {
            if (line.empty()) return std::nullopt;
            break;
        }
        if (c == '\n') {
            if (!line.empty() && line.back() == '\r') line.pop_back();
            return line;
        }
        line.push_back(static_cast<char>(c));
        if (line.size() >= udp::max_line_read) return line;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

// --rate: 0, or a rate whose pacing the clock can hold (see udp::min_rate).
CLI::Validator rate_value() {
    const auto zero = cli::decimal_number(0, 0);
    const auto range = cli::decimal_number(udp::min_rate, udp::max_rate);
    const std::string expected =
        fmt::format("must be 0 (as fast as possible) or a number {}", cli::range_phrase(udp::min_rate, udp::max_rate, "datagrams per second"));
    return CLI::Validator(
        [=](std::string& value) {
            if (zero(value).empty() || range(value).empty()) return std::string();
            return fmt::format("{}, not '{}'", expected, value);
        },
        "");
}

// Options that belong to one mode only, named in one line when misused.
std::string mode_mismatch(const send_options& o) {
    if (o.size && !o.ping && !o.probe) return "--size applies to --ping and --probe";
    if ((o.rate || o.duration_s) && !o.probe) return "--rate and --duration apply to --probe";
    return {};
}

udp::send_config configure(const send_options& o) {
    auto c = o.config;
    c.mode = o.probe ? send_mode::probe : o.ping ? send_mode::ping : o.message ? send_mode::message : send_mode::lines;
    c.family = o.ipv4 ? net::ip_family::v4 : o.ipv6 ? net::ip_family::v6 : net::ip_family::any;
    if (o.message) c.message = *o.message;
    c.next_line = read_stdin_line;
    c.count = o.count.value_or(c.mode == send_mode::message ? 1 : 0);
    c.interval = seconds(o.interval_s);
    c.size = o.size.value_or(default_size);
    c.rate = o.rate.value_or(default_rate);
    c.duration = seconds(o.duration_s.value_or(default_duration_s));
    c.timeout = seconds(o.timeout_s.value_or(c.mode == send_mode::probe ? default_probe_timeout_s : default_timeout_s));
    return c;
}

// Why a report is not believed, in words (udp::report_problem order).
std::string_view problem_text(udp::report_problem p) {
    static constexpr std::array<std::string_view, 9> table{
        "",
        "it came from another address than the probe went to",
        "it came before our fin, so it answers nothing we asked",
        "it was cut off before its counts",
        "its expected count is not the number of datagrams we sent",
        "it says more were received than expected",
        "its lost count is not expected minus received",
        "a count is beyond what the stream allows",
        "it contradicts an earlier report",
    };
    return table[static_cast<std::size_t>(p)];
}

std::string_view kind_name(udp::reply_kind k) {
    switch (k) {
        case udp::reply_kind::fresh: return "fresh";
        case udp::reply_kind::late: return "late";
        case udp::reply_kind::duplicate: return "duplicate";
        case udp::reply_kind::unknown: return "unknown";
    }
    return "";
}

udp::send_events make_events(cli::output& out, const udp::send_config& c) {
    udp::send_events ev;
    ev.on_ready = [&out, mode = c.mode](const asio::ip::udp::endpoint& local, const asio::ip::udp::endpoint& remote) {
        static constexpr std::string_view modes[] = {"message", "lines", "ping", "probe"};
        json_object o;
        o.add("event", "sending").add("local", net::to_string(local)).add("remote", net::to_string(remote));
        o.add("mode", modes[static_cast<int>(mode)]);
        const std::string text = fmt::format("sending to {} from {}", net::to_string(remote), net::to_string(local));
        // A message or lines say where they go only with -v; a measurement always does.
        if (out.json() || mode == send_mode::ping || mode == send_mode::probe) out.event(o, text);
        else out.detail(1, text);
    };
    ev.on_reply = [&out](const platform::datagram& d) { print_datagram(out, "reply", d, {}); };
    ev.on_ping_reply = [&out](const asio::ip::udp::endpoint& from, std::uint64_t seq, std::size_t bytes, std::int64_t rtt_ns,
                              udp::reply_kind kind) {
        const double rtt_ms = static_cast<double>(rtt_ns) / 1e6;
        json_object o;
        o.add("event", "ping").add("seq", seq).add("bytes", static_cast<std::uint64_t>(bytes)).add("rtt_ms", rtt_ms);
        o.add("kind", kind_name(kind));
        const std::string_view mark = kind == udp::reply_kind::late ? " (late)" : kind == udp::reply_kind::duplicate ? " (DUP!)" : "";
        out.event(o, fmt::format("{} bytes from {}: seq={} time={:.3f} ms{}", bytes, net::to_string(from), seq, rtt_ms, mark));
    };
    ev.on_ping_timeout = [&out, timeout = c.timeout](std::uint64_t seq) {
        json_object o;
        o.add("event", "timeout").add("seq", seq);
        out.event(o, fmt::format("no reply to seq={} within {:g} s", seq, std::chrono::duration<double>(timeout).count()));
    };
    ev.on_notice = [&out](std::string_view text) { out.note(text); };
    return ev;
}

void print_ping_summary(cli::output& out, const udp::send_result& r) {
    const auto& p = r.ping;
    json_object o;
    o.add("event", "ping_summary")
        .add("remote", net::to_string(r.remote))
        .add("sent", p.sent)
        .add("received", p.received)
        .add("late", p.late)
        .add("duplicates", p.duplicates)
        .add("lost_percent", p.lost_percent);
    if (r.receive_drops) o.add("receive_drops", *r.receive_drops);
    else o.add_null("receive_drops");
    if (p.received > 0) {
        o.add("min_ms", p.min_ms).add("avg_ms", p.avg_ms).add("max_ms", p.max_ms).add("mdev_ms", p.mdev_ms);
        o.add("p50_ms", p.p50_ms).add("p90_ms", p.p90_ms).add("p99_ms", p.p99_ms);
    }
    std::string text = fmt::format("--- {} udp ping ---\n{} sent, {} received, {} late, {}, {:.1f} % lost",
                                   net::to_string(r.remote), cli::grouped(p.sent), cli::grouped(p.received),
                                   cli::grouped(p.late), cli::count_of(p.duplicates, "duplicate"), p.lost_percent);
    // Replies that came back but found our receive buffer full: not the path's loss.
    if (r.receive_drops.value_or(0) > 0)
        text += fmt::format(" on the path; {} dropped by this socket's receive buffer",
                            cli::count_of(*r.receive_drops, "reply", "replies"));
    if (p.received > 0)
        text += fmt::format("\nrtt min/avg/max/mdev = {:.3f}/{:.3f}/{:.3f}/{:.3f} ms, p50/p90/p99 = {:.3f}/{:.3f}/{:.3f} ms",
                            p.min_ms, p.avg_ms, p.max_ms, p.mdev_ms, p.p50_ms, p.p90_ms, p.p99_ms);
    out.result(o, text);
}

void print_probe(cli::output& out, const udp::send_result& r, std::size_t size) {
    const auto& p = r.probe;
    // One datagram (or several in one call) has no duration, so no rate.
    const bool timed = p.sent > 1 && p.duration_s > 0;
    const double rate = timed ? static_cast<double>(p.sent) / p.duration_s : 0;
    const double cpu_ns = p.sent > 0 ? p.cpu_s * 1e9 / static_cast<double>(p.sent) : 0;
    json_object o;
    o.add("event", "probe_sent")
        .add("session", session_text(p.session))
        .add("remote", net::to_string(r.remote))
        .add("sent", p.sent)
        .add("size", static_cast<std::uint64_t>(size))
        .add("bytes", p.bytes)
        .add("duration_s", p.duration_s);
    if (timed) o.add("datagrams_per_s", rate);
    else o.add_null("datagrams_per_s");
    o.add("send_calls", p.calls)
        .add("segmentation", p.segmentation)
        .add("cpu_s", p.cpu_s)
        .add("cpu_ns_per_datagram", cpu_ns);
    const std::string pace = timed ? fmt::format("in {:.3f} s ({}/s, ", p.duration_s, cli::grouped(static_cast<std::uint64_t>(std::llround(rate))))
                                   : std::string("(");
    out.result(o, fmt::format("probe {} to {}: sent {} of {} bytes {}{}{}), CPU {:.3f} s = {:.0f} ns per datagram",
                              session_text(p.session), net::to_string(r.remote), cli::count_of(p.sent, "datagram"),
                              cli::grouped(size), pace, cli::count_of(p.calls, "send call"),
                              p.segmentation ? ", GSO" : "", p.cpu_s, cpu_ns));
    // A report the listener marks as partial, or one contradicted by another, is no
    // measurement: report_error says why.
    if (!p.report_received || r.error == send_error::lost_track || r.error == send_error::invalid_report) return;
    json_object rep;
    rep.add("event", "probe_report").add("view", "listener").add("session", session_text(p.session)).add("final", true);
    add_report_fields(rep, p.report);
    out.result(rep, fmt::format("the listener's view:\n{}", report_text(p.report)));
}

// The error in words and its exit code.
int report_error(cli::output& out, const udp::send_result& r, const udp::send_config& c) {
    const std::string target = r.remote.port() != 0 ? net::to_string(r.remote) : fmt::format("{}:{}", c.host, c.port);
    switch (r.error) {
        case send_error::none: return cli::exit_code::ok;
        case send_error::unknown_host:
            out.error(fmt::format("cannot resolve host '{}': no such host (give a host name or an IP address)", c.host));
            return cli::exit_code::usage;
        case send_error::lookup_failed:
            out.error(fmt::format("cannot resolve host '{}': {}", c.host, platform::describe(r.code)));
            return cli::exit_code::failure;
        case send_error::self_connected:
            out.error(fmt::format("--source-port {} sends to itself: {} is this socket's own address "
                                  "(choose another --source-port, or none)",
                                  c.source_port, r.detail));
            return cli::exit_code::usage;
        case send_error::bad_address:
            out.error(fmt::format("cannot send from --bind {}: {}", c.bind_address,
                                  r.code ? platform::describe(r.code) : r.detail));
            return cli::exit_code::usage;
        case send_error::socket_failed:
            out.error(fmt::format("cannot open a UDP socket for {} ({}): {}", target, r.detail, platform::describe(r.code)));
            return cli::exit_code::failure;
        case send_error::too_long:
            out.error(fmt::format("message too long for a datagram: {}", r.code ? platform::describe(r.code) : r.detail));
            return cli::exit_code::usage;
        case send_error::refused:
            // Something answered before: it was there, and went away.
            if (r.replies > 0)
                out.error(fmt::format("UDP {} went away after {}: nothing listens there now (ICMP port unreachable: {})",
                                      target, cli::count_of(r.replies, "reply", "replies"), platform::describe(r.code)));
            else if (c.mode == send_mode::probe && r.probe.sent > 0)
                out.error(fmt::format("nothing listens on UDP {} now: it refused the probe after {} (ICMP port unreachable: {})",
                                      target, cli::count_of(r.probe.sent, "datagram"), platform::describe(r.code)));
            else
                out.error(fmt::format("nothing listens on UDP {} (ICMP port unreachable: {})", target, platform::describe(r.code)));
            return cli::exit_code::failure;
        case send_error::network:
            out.error(fmt::format("UDP {} failed: {}", target, platform::describe(r.code)));
            return cli::exit_code::failure;
        case send_error::no_reply:
            if (c.mode == send_mode::probe)
                out.error(fmt::format("no report from {} within {:g} s (is it netlab udp-listen?)", target,
                                      std::chrono::duration<double>(c.timeout).count()));
            else
                out.error(fmt::format("no reply from {}", target));
            return cli::exit_code::failure;
        case send_error::invalid_report:
            out.error(fmt::format("invalid report from {}: {}; no loss figure is shown", r.detail,
                                  problem_text(r.probe.problem)));
            return cli::exit_code::no_measurement;
        case send_error::lost_track: {
            const auto& rep = r.probe.report;
            if ((rep.flags & udp::probe::report_flag::unknown_session) != 0)
                out.error(fmt::format("the listener at {} has no session {} from this address (it started after the "
                                      "stream, dropped it for room, or saw it from another address); no loss figure "
                                      "can be given",
                                      target, session_text(r.probe.session)));
            else
                out.error(fmt::format("the listener at {} lost track of session {}: it dropped it for room and "
                                      "counted only from datagram {} on ({} of the {} from there arrived); no loss "
                                      "figure can be given",
                                      target, session_text(r.probe.session), rep.first_sequence, rep.received,
                                      rep.expected - std::min(rep.first_sequence, rep.expected)));
            return cli::exit_code::no_measurement;
        }
    }
    return cli::exit_code::failure;
}

int run(cli::output& out, const send_options& o) {
    if (const auto why = mode_mismatch(o); !why.empty()) {
        out.error(why);
        return cli::exit_code::usage;
    }
    const auto c = configure(o);
    const auto r = udp::run_send(c, make_events(out, c));
    if (c.mode == send_mode::ping && r.ping.sent > 0) print_ping_summary(out, r);
    if (c.mode == send_mode::probe && r.probe.sent > 0) print_probe(out, r, std::max(c.size, udp::min_probe_size));
    if (c.mode == send_mode::message || c.mode == send_mode::lines) {
        json_object sum;
        sum.add("event", "summary").add("remote", net::to_string(r.remote)).add("sent", r.sent).add("replies", r.replies);
        if (out.json()) out.event(sum, "");
        else out.detail(1, fmt::format("sent {}, {}", cli::count_of(r.sent, "datagram"), cli::count_of(r.replies, "reply", "replies")));
    }
    if (r.error != send_error::none) return report_error(out, r, c);
    // Ctrl-C ends a ping or probe with its summary (exit 0); a message run is cut short.
    if (r.interrupted && (c.mode == send_mode::message || c.mode == send_mode::lines)) return cli::exit_code::interrupted;
    return cli::exit_code::ok;
}

}  // namespace

void add_udp_send(CLI::App& app, runner& chosen) {
    auto opts = std::make_shared<send_options>();
    auto& c = opts->config;
    auto* sub = app.add_subcommand("udp-send", "Send UDP datagrams: a message, stdin lines, a UDP ping or a measuring probe");
    sub->add_option("HOST", c.host, "Host name or IP address to send to")->required();
    sub->add_option("PORT", c.port, "UDP port to send to")->check(cli::whole_number(1, 65535))->required();
    auto* message = sub->add_option("MESSAGE", opts->message, "The datagram to send (default: one per line of stdin)");
    sub->add_option("--count", opts->count, "Datagrams to send (default: 1 message; --ping: until Ctrl-C; --probe: see --duration)")
        ->option_text("N")
        ->check(cli::whole_number(1, max_count));
    sub->add_option("--interval", opts->interval_s, "Seconds between messages and pings (default 1)")
        ->option_text("S")
        ->check(cli::decimal_number(0, 86400, "seconds"));
    sub->add_option("--size", opts->size, "Bytes per --ping or --probe datagram, at least 32 (default 64)")
        ->option_text("B")
        ->check(cli::whole_number(udp::min_probe_size, platform::max_udp_payload_v6, "bytes"));
    sub->add_option("--source-port", c.source_port, "Local port to send from (default: any)")
        ->option_text("P")
        ->check(cli::whole_number(0, 65535));
    sub->add_option("-b,--bind", c.bind_address, "Local address to send from (default: any)")
        ->option_text("ADDR")
        ->check(local_address());
    auto* v4 = sub->add_flag("-4,--ipv4", opts->ipv4, "Use IPv4 only");
    auto* v6 = sub->add_flag("-6,--ipv6", opts->ipv6, "Use IPv6 only");
    v4->excludes(v6);
    auto* ping = sub->add_flag("--ping", opts->ping, "Send numbered requests, time each echo (udp-listen --echo answers)");
    auto* probe = sub->add_flag("--probe", opts->probe, "Send a measuring stream; print both sides' counts (udp-listen counts)");
    ping->excludes(probe);
    message->excludes(ping)->excludes(probe);
    sub->add_option("--rate", opts->rate, "--probe datagrams per second; 0: as fast as possible (default 1000)")
        ->option_text("PPS")
        ->check(rate_value());
    auto* duration = sub->add_option("--duration", opts->duration_s, "--probe: seconds to send for (default 10)")
                         ->option_text("S")
                         ->check(cli::decimal_number(0.001, 86400, "seconds"));
    duration->excludes("--count");
    sub->add_flag("--no-offload", [&c](std::int64_t) { c.offload = false; },
                  "--probe: hand datagrams to the kernel one by one (no UDP GSO), as most programs do");
    sub->add_option("--timeout", opts->timeout_s,
                    "Seconds to wait: for replies after the last message, for each ping reply (default 1); "
                    "for the listener's report after --probe (default 3)")
        ->option_text("S")
        ->check(cli::decimal_number(0.001, 3600, "seconds"));
    sub->footer(
        "Examples:\n"
        "  netlab udp-send 127.0.0.1 5000 hello           one datagram; replies are shown\n"
        "  printf 'a\\nb\\n' | netlab udp-send ::1 5000     one datagram per line\n"
        "  netlab udp-send host 5000 --ping --count 10    round-trip times (udp-listen --echo)\n"
        "  netlab udp-send host 5000 --probe --rate 0 --duration 3\n"
        "                                                 as fast as possible; both sides' counts\n"
        "Exit codes: 0 sent (ping: a reply came back; probe: the listener reported), 1 network\n"
        "failure, nothing listening, no reply, 2 usage error (bad port or host, message or line\n"
        "too long, a value out of range, --source-port sending to itself), 3 probe: the listener\n"
        "lost track of the session or its report was invalid (no loss figure), 130 interrupted.");
    sub->callback([opts, &chosen] { chosen = [opts](cli::output& out) { return run(out, *opts); }; });
}

}  // namespace netlab::commands
