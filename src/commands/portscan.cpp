// netlab portscan: a TCP connect scanner (nmap -sT's states and syntax) and, with
// --wait, a wait-for-port tool for CI. Options, one call into scan/, output through
// cli::output.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cli/exit_codes.hpp"
#include "cli/output.hpp"
#include "cli/validators.hpp"
#include "commands/registry.hpp"
#include "http/url.hpp"
#include "netlab/platform/error.hpp"
#include "netlab/platform/terminal.hpp"
#include "netlab/platform/trace.hpp"
#include "scan/port_spec.hpp"
#include "scan/report.hpp"
#include "scan/scanner.hpp"
#include "scan/services.hpp"
#include "scan/targets.hpp"
#include "scan/wait.hpp"

namespace netlab::commands {
namespace {

using cli::json_object;
using cli::style;
using scan::port_result;
using scan::port_state;
using clock = std::chrono::steady_clock;

struct portscan_args {
    std::vector<std::string> targets;
    std::string ports;
    std::size_t top_ports = 0;
    int timeout_ms = 0;
    std::size_t concurrency = 0;
    double max_rate = 0;
    int retries = 1;
    bool open_only = false;
    bool banner = false;
    bool randomize = false;
    bool ipv4 = false, ipv6 = false;
    double wait_s = 0;
};

// --trace prints every socket call up to this many connects, a tally per outcome beyond.
constexpr std::uint64_t trace_screenful = 24;
// The progress line appears after this long and is redrawn at most this often.
constexpr auto progress_delay = std::chrono::seconds(1);
constexpr auto progress_every = std::chrono::milliseconds(200);
// Banner text shown in the table (JSON has all of it).
constexpr std::size_t banner_column = 60;

style state_style(port_state s) {
    if (s == port_state::open) return style::green;
    if (s == port_state::filtered) return style::yellow;
    return style::none;
}

// Open: "connected", or "reset" when the service reset the connection it had accepted
// before the scan asked (still open: the handshake completed).
std::string reason_name(const port_result& r) {
    if (r.state == port_state::open && r.reason != platform::error_kind::reset) return "connected";
    return std::string(platform::kind_name(r.reason));
}

std::string count_text(std::uint64_t n) {
    std::string s = std::to_string(n);
    for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<std::size_t>(i), ",");
    return s;
}

std::string host_label(const scan::scan_target& t) {
    return t.name == t.address ? t.address : fmt::format("{} ({})", t.name, t.address);
}

json_object port_json(const scan::scan_target& t, const port_result& r, bool banner) {
    json_object o;
    o.add("event", "port").add("target", t.name).add("address", t.address).add("port", static_cast<unsigned>(r.port));
    o.add("state", scan::state_name(r.state)).add("service", scan::service_name(r.port)).add("reason", reason_name(r));
    if (r.rtt_ms >= 0) o.add("rtt_ms", std::round(r.rtt_ms * 1000) / 1000);
    else o.add_null("rtt_ms");
    if (banner && r.state == port_state::open) {
        // The text (bytes that are not UTF-8 become U+FFFD), and every byte as it came.
        o.add("banner", r.banner).add("banner_base64", http::base64_encode(r.banner));
    }
    return o;
}

std::string host_table(const cli::output& out, const scan::scan_target& t, const scan::host_report& h,
                       const std::vector<std::string>& others, bool open_only, bool banner) {
    std::string text = fmt::format("Scan report for {}", out.paint(host_label(t), style::bold));
    if (!others.empty()) {
        std::string list;
        for (const auto& a : others) list += (list.empty() ? "" : " ") + a;
        text += fmt::format("\nOther addresses for {} (not scanned): {}", t.name, list);
    }
    for (const auto& [state, n] : h.folded(open_only)) {
        if (n < h.total()) text += fmt::format("\nNot shown: {} {} ports", count_text(n), scan::state_name(state));
        else text += fmt::format("\nAll {} scanned ports are {}", count_text(n), scan::state_name(state));
    }
    const auto rows = h.rows(open_only);
    if (rows.empty()) return text;
    text += fmt::format("\n{:<10} {:<9} {}{}", "PORT", "STATE", banner ? fmt::format("{:<16}", "SERVICE") : "SERVICE",
                        banner ? " BANNER" : "");
    for (const auto& r : rows) {
        const auto state = scan::state_name(r.state);
        text += fmt::format("\n{:<10} {}{} ", fmt::format("{}/tcp", r.port), out.paint(state, state_style(r.state)),
                            std::string(9 - state.size(), ' '));
        const auto name = scan::service_name(r.port);
        if (!banner || r.banner.empty()) {
            text += name;
            continue;
        }
        auto b = scan::escape_bytes(r.banner);
        if (b.size() > banner_column) b = b.substr(0, banner_column - 3) + "...";
        text += fmt::format("{:<16} {}", name, b);
    }
    return text;
}

json_object summary_json(const scan::scan_summary& s, const std::vector<scan::scan_target>& targets) {
    json_object o;
    o.add("event", "summary");
    if (targets.size() == 1) o.add("target", targets[0].name).add("address", targets[0].address);
    else o.add("addresses", static_cast<std::uint64_t>(targets.size()));
    o.add("ports", s.ports).add("open", s.open).add("closed", s.closed).add("filtered", s.filtered);
    o.add("elapsed_s", std::round(s.elapsed_s * 1000) / 1000).add("connects", s.connects);
    o.add("connects_per_s", s.elapsed_s > 0 ? std::round(static_cast<double>(s.connects) / s.elapsed_s) : 0.0);
    if (s.interrupted) o.add("interrupted", true);
    if (s.error) o.add("stopped", true);
    return o;
}

std::string summary_text(const scan::scan_summary& s, const std::vector<scan::scan_target>& targets) {
    const std::string who = targets.size() == 1 ? host_label(targets[0]) : fmt::format("{} addresses", targets.size());
    const double rate = s.elapsed_s > 0 ? static_cast<double>(s.connects) / s.elapsed_s : 0;
    // "Done" only for a scan that ran to its end.
    const char* how = s.error ? "Stopped" : s.interrupted ? "Interrupted" : "Done";
    return fmt::format("{}: {}: {} port{}, {} open, {} closed, {} filtered in {:.2f} s ({} connects/s)", how, who, count_text(s.ports), s.ports == 1 ? "" : "s", count_text(s.open),
                       count_text(s.closed), count_text(s.filtered), s.elapsed_s,
                       count_text(static_cast<std::uint64_t>(rate)));
}

// --trace for a scan of more than a screenful of connects: a tally per step and outcome.
class trace_tally {
public:
    void install() {
        platform::set_trace_sink([this](const platform::trace_record& r) {
            std::lock_guard lock(mutex_);
            ++counts_[{r.step, std::string(outcome_name(platform::classify(r.error)))}];
        });
    }
    void print(cli::output& out) {
        platform::set_trace_sink({});
        std::map<platform::trace_step, std::vector<std::pair<std::string, std::uint64_t>>> steps;
        for (const auto& [key, n] : counts_) steps[key.first].emplace_back(key.second, n);
        for (const auto& [step, outcomes] : steps) {
            std::uint64_t total = 0;
            std::string parts;
            json_object counts;
            for (const auto& [name, n] : outcomes) {
                total += n;
                parts += fmt::format("{}{} {}", parts.empty() ? "" : ", ", count_text(n), name);
                counts.add(name, n);
            }
            if (out.json()) {
                json_object o;
                o.add("event", "trace_summary").add("step", platform::step_name(step)).add("count", total).add_raw("outcomes", counts.str());
                out.detail(0, o.str());
            } else {
                out.detail(0, fmt::format("{} {:<10} x{} ({})", out.paint("trace", style::magenta, true),
                                          platform::step_name(step), count_text(total), parts));
            }
        }
    }

private:
    std::mutex mutex_;
    static std::string_view outcome_name(platform::error_kind k) {
        return k == platform::error_kind::none ? "ok" : platform::kind_name(k);
    }
    std::map<std::pair<platform::trace_step, std::string>, std::uint64_t> counts_;
};

scan::scan_options scan_options_of(const portscan_args& a) {
    scan::scan_options o;
    o.timeout = std::chrono::milliseconds(a.timeout_ms);
    o.window = a.concurrency;
    o.max_rate = a.max_rate;
    o.retries = a.retries;
    o.banner = a.banner;
    o.randomize = a.randomize;
    return o;
}

int report_fault(cli::output& out, const std::error_code& ec, const std::string& where) {
    out.error(fmt::format("scan stopped at {}: {}", where, platform::describe(ec)));
    return cli::exit_code::failure;
}

int run_wait(cli::output& out, const portscan_args& a, const scan::targets_result& parsed, scan::ip_family family,
             const std::vector<std::uint16_t>& ports) {
    const auto on_open = [&](const port_result& r, const std::vector<scan::scan_target>& targets, double waited) {
        const auto& t = targets[r.target];
        auto o = port_json(t, r, a.banner);
        o.add("waited_s", std::round(waited * 1000) / 1000);
        out.event(o, fmt::format("{} port {} {} after {:.1f} s", host_label(t), r.port,
                                 out.paint("open", style::green), waited));
    };
    const auto w = scan::wait_until_open(parsed.specs, family, ports, scan_options_of(a),
                                         std::chrono::milliseconds(static_cast<long long>(a.wait_s * 1000)), on_open);
    std::string missing;
    for (const auto& r : w.not_open) {
        const auto& t = w.targets[r.target];
        const std::string why = r.tries == 0 ? platform::describe(w.resolve_errors[r.target])
                                             : fmt::format("{}: {}", scan::state_name(r.state), platform::kind_message(r.reason));
        missing += fmt::format("{}{} port {} ({})", missing.empty() ? "" : ", ",
                               t.address.empty() ? t.name : host_label(t), r.port, why);
        if (out.json() && r.tries > 0) out.result(port_json(t, r, a.banner), "");
    }
    json_object s;
    s.add("event", "summary").add("all_open", w.all_open).add("ports", static_cast<std::uint64_t>(w.targets.size() * ports.size()));
    s.add("not_open", static_cast<std::uint64_t>(w.not_open.size())).add("rounds", w.rounds);
    s.add("waited_s", std::round(w.waited_s * 1000) / 1000);
    if (w.interrupted) s.add("interrupted", true);
    if (w.error) return report_fault(out, w.error, w.error_where);
    if (w.all_open) {
        out.event(s, fmt::format("{} open after {:.1f} s", ports.size() * w.targets.size() == 1 ? "The port is" : "All ports are",
                                 w.waited_s));
        return cli::exit_code::ok;
    }
    const auto total = w.targets.size() * ports.size();
    if (w.interrupted) {
        // What was found so far: the ports that opened were printed as they did.
        out.result(s, fmt::format("Interrupted after {:.1f} s: {} of {} port{} open; not open: {}", w.waited_s,
                                  total - w.not_open.size(), total, total == 1 ? "" : "s", missing));
        return cli::exit_code::interrupted;
    }
    if (out.json()) out.result(s, "");
    out.error(fmt::format("not open after {:.1f} s: {}", w.waited_s, missing));
    return cli::exit_code::failure;
}

int run_portscan(cli::output& out, const portscan_args& a) {
    const auto family = a.ipv4 ? scan::ip_family::v4 : a.ipv6 ? scan::ip_family::v6 : scan::ip_family::any;
    const auto parsed = scan::parse_targets(a.targets, family);
    if (!parsed.ok()) {
        out.error(parsed.error);
        return cli::exit_code::usage;
    }
    std::vector<std::uint16_t> ports;
    if (!a.ports.empty()) ports = scan::parse_port_spec(a.ports).ports;  // validated by CLI11
    else ports = scan::top_ports(a.top_ports > 0 ? a.top_ports : scan::top_port_count);
    if (a.wait_s > 0) return run_wait(out, a, parsed, family, ports);

    int code = cli::exit_code::ok;
    std::vector<scan::scan_target> targets;
    std::vector<std::vector<std::string>> others;
    for (const auto& spec : parsed.specs) {
        if (!spec.hostname) {
            for (const auto& addr : spec.addresses) {
                targets.push_back({addr, addr});
                others.emplace_back();
            }
            continue;
        }
        auto r = scan::resolve_name(spec.text, family);
        if (r.error) {
            out.error(fmt::format("cannot resolve '{}': {}", spec.text, platform::describe(r.error)));
            code = cli::exit_code::failure;
            continue;
        }
        // A name for an address already listed is scanned once, as given first.
        if (std::any_of(targets.begin(), targets.end(), [&](const auto& t) { return t.address == r.address; })) continue;
        targets.push_back({spec.text, r.address});
        others.push_back(std::move(r.others));
    }
    if (targets.empty()) return code;

    const std::uint64_t probes = static_cast<std::uint64_t>(targets.size()) * ports.size();
    trace_tally tally;
    const bool tallying = out.tracing() && probes > trace_screenful;
    if (tallying) tally.install();

    std::vector<scan::host_report> hosts(targets.size());
    const bool progress_allowed = !out.json() && !out.quiet() && platform::is_terminal(platform::std_stream::err);
    const auto started = clock::now();
    auto last_progress = started;
    bool progress_shown = false;
    std::uint64_t done = 0, open = 0;
    const auto clear_progress = [&] {
        if (progress_shown) out.status_line("");
        progress_shown = false;
    };

    scan::scan_events ev;
    ev.on_result = [&](const port_result& r) {
        ++done;
        if (r.state == port_state::open) ++open;
        hosts[r.target].add(r);
        if (out.json() && (!a.open_only || r.state == port_state::open))
            out.result(port_json(targets[r.target], r, a.banner), "");
        if (!progress_allowed) return;
        const auto now = clock::now();
        if (now - started < progress_delay || now - last_progress < progress_every) return;
        last_progress = now;
        progress_shown = true;
        out.status_line(fmt::format("scanning: {} of {} ports ({}%), {} open, {:.1f} s", count_text(done),
                                    count_text(probes), done * 100 / probes, open,
                                    std::chrono::duration<double>(now - started).count()));
    };
    std::vector<bool> shown(targets.size());
    const auto show = [&](std::size_t t) {
        shown[t] = true;
        if (out.json()) return;
        clear_progress();
        out.result({}, host_table(out, targets[t], hosts[t], others[t], a.open_only, a.banner));
        hosts[t] = {};
    };
    ev.on_target_done = show;

    const auto opts = scan_options_of(a);
    const auto s = scan::run_scan(targets, ports, opts, ev);
    clear_progress();
    // Stopped early: what was found so far.
    for (std::size_t t = 0; t < targets.size(); ++t)
        if (!shown[t] && hosts[t].total() > 0) show(t);
    out.detail(1, fmt::format("{} connects in flight at most, {} event loop{}, timeout {}", s.window, s.threads,
                              s.threads == 1 ? "" : "s",
                              a.timeout_ms > 0 ? fmt::format("{} ms", a.timeout_ms) : std::string("adaptive")));
    if (tallying) tally.print(out);
    out.event(summary_json(s, targets), summary_text(s, targets));
    if (s.error) return report_fault(out, s.error, s.error_where);
    if (s.interrupted) return cli::exit_code::interrupted;
    return code;
}

std::string footer() {
    return "States (as nmap -sT): open = connected (even if the service then resets); closed = refused;\n"
           "filtered = no answer in time, host or network unreachable, or access denied, after --retries\n"
           "more tries.\n"
           "\n"
           "Exit codes:\n"
           "  0    the scan ran (whatever the states); with --wait: every port is open\n"
           "  1    a target did not resolve, the scan met a fault; with --wait: not all open in time\n"
           "  2    usage error: bad port list, target, option or value\n"
           "  130  interrupted (Ctrl-C); what was found so far is printed\n"
           "\n"
           "Examples:\n"
           "  netlab portscan 127.0.0.1                 the 1000 most common ports\n"
           "  netlab portscan localhost -p-             every port, 1-65535\n"
           "  netlab portscan 192.168.1.0/24 -p 22,80,443 --open\n"
           "  netlab portscan db -p 5432 --wait 30      wait for a database in CI (exit 0 when open)";
}

}  // namespace

void add_portscan(CLI::App& app, runner& chosen) {
    auto args = std::make_shared<portscan_args>();
    auto* sub = app.add_subcommand("portscan", "TCP connect scan of ports (nmap -sT's states), or --wait until ports open");
    sub->add_option("TARGET", args->targets, "Host name, IPv4 or IPv6 address, or CIDR block (at most 65,536 addresses)")
        ->required();
    auto* ports = sub->add_option("-p,--ports", args->ports,
                                  "Ports as nmap: 22,80,8000-8100, '-' for all, names such as http (default: the 1000 most common)")
                      ->option_text("SPEC")
                      ->check([](const std::string& spec) { return scan::parse_port_spec(spec).error; });
    sub->add_option("--top-ports", args->top_ports, "Scan the N most common ports (1-1000)")
        ->option_text("N")
        ->check(cli::whole_number(1, 1000))
        ->excludes(ports);
    sub->add_option("--timeout", args->timeout_ms, "Milliseconds to wait for each connect (default: adapted to measured round trips)")
        ->option_text("MS")
        ->check(cli::whole_number(1, 600000, "milliseconds"));
    sub->add_option("--concurrency", args->concurrency, "Connects in flight at most (default 4096, within the open-file limit)")
        ->option_text("N")
        ->check(cli::whole_number(1, 1000000));
    sub->add_option("--max-rate", args->max_rate, "Connects per second at most (default: no cap)")
        ->option_text("N")
        ->check(cli::decimal_number(0.01, 1e9, "connects per second"));
    sub->add_option("--retries", args->retries, "More tries for a port that did not answer (default 1)")
        ->option_text("N")
        ->check(cli::whole_number(0, 100));
    sub->add_flag("--open", args->open_only, "Show open ports only");
    sub->add_flag("--banner", args->banner, "Read what each open port says first (up to 2 s), shown escaped");
    sub->add_flag("--randomize", args->randomize, "Scan the ports in random order");
    auto* v4 = sub->add_flag("-4,--ipv4", args->ipv4, "Resolve host names to IPv4 addresses only");
    auto* v6 = sub->add_flag("-6,--ipv6", args->ipv6, "Resolve host names to IPv6 addresses only");
    v4->excludes(v6);
    sub->add_option("--wait", args->wait_s, "Probe again until every port is open or SECONDS pass (exit 0 when all open, else 1)")
        ->option_text("SECONDS")
        ->check(cli::decimal_number(0.001, 1e6, "seconds"));
    sub->footer(footer());
    sub->callback([args, &chosen] { chosen = [args](cli::output& out) { return run_portscan(out, *args); }; });
}

}  // namespace netlab::commands
