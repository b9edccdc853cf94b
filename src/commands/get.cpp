// netlab get: an HTTP/1.1 client with curl's everyday options and exit codes. Options,
// one call into client::run_get, output through cli::output.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <array>
#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include "cli/exit_codes.hpp"
#include "cli/output.hpp"
#include "cli/validators.hpp"
#include "cli/version_number.hpp"
#include "client/byte_size.hpp"
#include "client/fetch.hpp"
#include "client/post_data.hpp"
#include "commands/registry.hpp"
#include "http/url.hpp"
#include "tls/tls.hpp"
#include "net/endpoint.hpp"
#include "netlab/platform/error.hpp"
#include "netlab/platform/process.hpp"
#include "netlab/platform/terminal.hpp"

namespace netlab::commands {
namespace {

using client::get_error;

struct get_args {
    std::string url;
    std::string output_file;
    bool remote_name = false;
    bool include = false;
    bool head = false;
    std::string method;
    std::vector<std::string> headers;
    std::vector<std::string> data;
    std::string user_agent = "netlab/" NETLAB_VERSION;
    bool location = false;
    int max_redirs = 50;
    bool fail = false;
    bool ipv4 = false, ipv6 = false;
    double connect_timeout = 0;  // 0: curl's default
    double max_time = 0;         // 0: none
    std::string max_filesize;    // empty or 0: none
    bool silent = false;
    bool show_error = false;
    bool timing = false;
    bool insecure = false;
    std::string cacert, capath;
    std::string cert, key;
    bool tlsv1_2 = false, tlsv1_3 = false;
    std::string tls_max;
    std::vector<std::string> resolve;
};

constexpr int default_columns = 80;

std::chrono::milliseconds to_ms(double s) {
    return std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(s * 1000.0)));
}

// Each line of a head with a prefix ("> ", "< "), for -v.
std::string prefixed(std::string_view head, std::string_view prefix) {
    std::string out;
    while (!head.empty()) {
        const auto nl = head.find('\n');
        auto line = head.substr(0, nl);
        if (line.ends_with('\r')) line.remove_suffix(1);
        if (!line.empty()) out += fmt::format("{}{}\n", prefix, line);
        head.remove_prefix(nl == std::string_view::npos ? head.size() : nl + 1);
    }
    if (!out.empty()) out.pop_back();
    return out;
}

// The final response's head for -i/-I with --json, as curl's %{header_json}.
std::string headers_json(const client::get_result& r) {
    cli::json_object o;
    for (const auto& [name, values] : client::headers_by_name(r.headers))
        o.add_raw(name, cli::json_string_array(values.data(), values.data() + values.size()));
    return o.str();
}

cli::json_object result_json(const client::get_result& r, int exit_code, bool with_headers) {
    cli::json_object o;
    o.add("event", "get").add("url", r.effective_url).add("ok", r.error == get_error::ok);
    if (r.status > 0) o.add("status", r.status);
    else o.add_null("status");
    o.add("redirects", r.redirects).add("size_download", r.size_download).add("size_upload", r.size_upload);
    o.add("speed_download", client::speed(r.size_download, r.times.total));
    if (!r.content_type.empty()) o.add("content_type", r.content_type);
    if (!r.remote.empty()) o.add("remote", r.remote);
    if (r.tls) {
        o.add("tls_version", r.tls->version).add("cipher", r.tls->cipher).add("alpn", r.tls->alpn);
        if (const auto& c = r.tls->peer) {
            o.add("cert_subject", c->subject).add("cert_issuer", c->issuer);
            o.add_raw("cert_names", cli::json_string_array(c->names.data(), c->names.data() + c->names.size()));
            o.add("cert_not_before", c->not_before).add("cert_not_after", c->not_after);
        }
    }
    if (with_headers) o.add_raw("headers", headers_json(r));
    for (const auto& f : client::timing_fields()) o.add(f.json_name, client::field_value(r.times, f));
    o.add("exit_code", exit_code);
    if (r.error != get_error::ok) o.add("error", client::info(r.error).name).add("message", r.message);
    return o;
}

// The chart, then what came back, in the chart's own total; nothing for a response that
// never came.
std::string timing_text(const cli::output& out, const client::get_result& r) {
    static constexpr std::array<cli::style, 7> colours{cli::style::magenta, cli::style::cyan, cli::style::green,
                                                        cli::style::bold,    cli::style::yellow, cli::style::blue,
                                                        cli::style::red};
    const int width = platform::terminal_width(platform::std_stream::err).value_or(default_columns);
    std::string text = client::timing_chart(r.times, width, [&](std::string_view bar, std::size_t row) {
        return out.paint(bar, colours[row % colours.size()], true);
    });
    if (r.status == 0) return text;
    text += fmt::format("\n  {} {}  {} in {}  {}/s  from {}", out.paint(std::to_string(r.status), cli::style::bold, true),
                        r.effective_url, client::format_bytes(r.size_download), client::format_duration(r.times.total),
                        client::format_bytes(static_cast<std::uint64_t>(client::speed(r.size_download, r.times.total))),
                        r.remote);
    return text;
}

// The request the options ask for; the body of -d is read by the caller.
client::get_options request_options(const get_args& a) {
    client::get_options o;
    o.url = a.url;
    o.method = a.method;
    o.head_only = a.head;
    std::string ignored;
    for (const auto& h : a.headers) o.headers.push_back(*client::parse_user_header(h, ignored));  // validated by CLI11
    o.user_agent = a.user_agent;
    o.follow_redirects = a.location;
    o.max_redirects = a.max_redirs;
    o.fail_on_http_error = a.fail;
    o.family = a.ipv4 ? client::ip_family::v4 : a.ipv6 ? client::ip_family::v6 : client::ip_family::any;
    for (const auto& entry : a.resolve) {
        std::string ignored_why;
        o.resolve.push_back(*client::parse_resolve_override(entry, ignored_why));  // validated by CLI11
    }
    o.tls.verify = !a.insecure;
    o.tls.ca_file = a.cacert;
    o.tls.ca_path = a.capath;
    o.tls.cert_file = a.cert;
    o.tls.key_file = a.key;
    o.tls.min = a.tlsv1_3 ? tls::version::tls1_3 : tls::version::tls1_2;
    o.tls.max = a.tls_max.empty() ? tls::version::any : *tls::parse_version(a.tls_max);
    if (a.connect_timeout > 0) o.connect_timeout = to_ms(a.connect_timeout);
    if (a.max_time > 0) o.max_time = to_ms(a.max_time);
    // curl's rule: 0 is no limit.
    if (const auto limit = client::parse_byte_size(a.max_filesize); limit && *limit > 0) o.max_filesize = limit;
    o.stop_signals = platform::stop_signals();
    return o;
}

// -v: the addresses tried, the request head ("> ") and every response head ("< ").
void add_verbose_events(cli::output& out, client::get_events& ev) {
    ev.trying = [&out](const asio::ip::tcp::endpoint& ep) { out.detail(1, fmt::format("* trying {}...", net::to_string(ep))); };
    ev.attempt_failed = [&out](const asio::ip::tcp::endpoint& ep, const std::error_code& ec) {
        out.detail(1, fmt::format("* connect to {} failed: {}", net::to_string(ep), platform::describe(ec)));
    };
    ev.connected = [&out](const std::string& host, const asio::ip::tcp::endpoint& ep, bool reused) {
        out.detail(1, fmt::format("* {} {} ({}) port {}", reused ? "re-using connection to" : "connected to", host,
                                  net::to_string(ep.address()), ep.port()));
    };
    ev.tls_handshake = [&out](const tls::session_info& s, bool ok) {
        if (ok)
            out.detail(1, fmt::format("* TLS: {} {}, ALPN {}", s.version, s.cipher, s.alpn.empty() ? "none" : s.alpn));
        if (!s.peer) return;
        const auto& c = *s.peer;
        std::string names;
        for (const auto& n : c.names) names += (names.empty() ? "" : ", ") + n;
        out.detail(1, fmt::format("* server certificate:\n*   subject: {}\n*   issuer: {}\n*   names: {}\n*   valid: {} to {}",
                                  c.subject, c.issuer, names.empty() ? "(none)" : names, c.not_before, c.not_after));
    };
    ev.request_sent = [&out](std::string_view head) { out.detail(1, prefixed(head, "> ")); };
    ev.excess_data = [&out](std::uint64_t bytes) {
        out.detail(1, fmt::format("* excess data after the response ({} bytes): the connection is closed", bytes));
    };
}

int run_get_command(cli::output& out, const get_args& a) {
    if (a.tlsv1_3 && a.tls_max == "1.2") {
        out.error("--tlsv1.3 asks for TLS 1.3 or newer and --tls-max 1.2 for 1.2 or older: choose one");
        return cli::exit_code::usage;
    }
    const bool show_errors = !a.silent || a.show_error;
    const auto report = [&](get_error e, const std::string& message) {
        const int code = client::exit_code_of(e);
        if (show_errors) out.error(fmt::format("({}) {}", code, message));
        return code;
    };
    const bool stdout_asked = a.output_file == "-";
    if (out.json() && stdout_asked) {
        out.error("--json prints its result on stdout, so -o - cannot send the body there too; use -o FILE");
        return cli::exit_code::usage;
    }
    auto options = request_options(a);
    if (!a.data.empty()) {
        std::string why;
        options.body = client::post_data(a.data, why);
        if (!options.body) {
            out.error(why);
            return cli::exit_code::usage;
        }
    }

    std::string file = stdout_asked ? std::string() : a.output_file;
    if (a.remote_name) {
        file = client::remote_file_name(a.url);
        // A URL that does not parse is reported as such by run_get.
        if (file.empty() && http::parse_url(a.url).error == http::url_error::none)
            return report(get_error::write_error, "remote file name has no length (use -o FILE)");
    }
    const bool stdout_is_terminal = platform::is_terminal(platform::std_stream::out);
    auto sink = !file.empty() ? client::body_sink::file(file)
                : out.json()  ? client::body_sink::discard()
                              : client::body_sink::to_stdout(stdout_is_terminal && !stdout_asked);

    client::get_events ev;
    const bool verbose = out.verbosity() >= 1;
    if (verbose) add_verbose_events(out, ev);
    // The head goes where the body goes, as with curl; with --json it is a field.
    options.include_head = (a.include || a.head) && !out.json();
    if (verbose)
        ev.response = [&](const client::response_info& r, bool, bool) { out.detail(1, prefixed(r.raw, "< ")); };
    // curl's rule: a progress bar on a terminal's stderr unless the body goes there too.
    client::progress_meter meter;
    if (!a.silent && !out.json() && !out.quiet() && (!file.empty() || !stdout_is_terminal) &&
        platform::is_terminal(platform::std_stream::err)) {
        ev.on_progress = [&](const client::progress& p) {
            if (!meter.due(p)) return;
            const int width = platform::terminal_width(platform::std_stream::err).value_or(default_columns);
            out.status_line(client::progress_line(p, width - 1));
        };
    }

    const auto r = client::run_get(options, ev, std::move(sink));
    if (meter.shown()) out.note("");  // keep the last progress line, end it
    const int code = client::exit_code_of(r.error);
    if (out.json()) out.result(result_json(r, code, a.include || a.head), "");
    else if (const auto text = a.timing ? timing_text(out, r) : std::string(); !text.empty()) out.detail(0, text);
    if (r.error != get_error::ok) return report(r.error, r.message);
    return code;
}

std::string exit_code_footer() {
    std::string text = "Exit codes (curl's):\n";
    for (const auto& e : client::get_error_table()) {
        text += fmt::format("  {:<4} {}\n", e.exit_code, e.message);
        if (e.exit_code == 1) text += fmt::format("  {:<4} {}\n", cli::exit_code::usage, "usage error: bad option or value");
    }
    return text;
}

}  // namespace

void add_get(CLI::App& app, runner& chosen) {
    auto args = std::make_shared<get_args>();
    auto* sub = app.add_subcommand("get", "Fetch a URL over HTTP/1.1, with TLS for https:// (curl's everyday options and exit codes)");
    sub->add_option("URL", args->url, "http[s]://host[:port]/path?query ([::1] for IPv6; user:pw@ for Basic auth)")
        ->required();
    auto* output_opt = sub->add_option("-o,--output", args->output_file, "Write the body to FILE instead of stdout")
                           ->option_text("FILE");
    auto* remote_opt = sub->add_flag("-O,--remote-name", args->remote_name, "Write the body to a file named as the URL's last path segment");
    output_opt->excludes(remote_opt);
    sub->add_flag("-i,--include", args->include, "Print the response head before the body");
    auto* head_opt = sub->add_flag("-I,--head", args->head, "Send HEAD and print the response head");
    sub->add_option("-X,--request", args->method, "Request method (default GET, or POST with -d)")
        ->option_text("METHOD")
        ->check(CLI::Validator(
            [](std::string& m) {
                return client::valid_method(m) ? std::string() : "must be a method name such as GET or PUT, not '" + m + "'";
            },
            ""));
    sub->add_option("-H,--header", args->headers, "Extra header 'Name: value' (repeatable; 'Name:' removes a default one)")
        ->option_text("'NAME: VALUE'")
        ->check([](const std::string& h) {
            std::string why;
            return client::parse_user_header(h, why) ? std::string() : why;
        });
    auto* data_opt = sub->add_option("-d,--data", args->data, "Send DATA (or the bytes of FILE) as a POST body, form-encoded type")
                         ->option_text("DATA|@FILE");
    head_opt->excludes(data_opt);
    sub->add_option("-A,--user-agent", args->user_agent, "User-Agent header (default netlab/VERSION)")->option_text("AGENT");
    sub->add_flag("-L,--location", args->location, "Follow redirects (301, 302, 303, 307, 308)");
    sub->add_option("--max-redirs", args->max_redirs, "Redirects -L follows before exit 47 (-1: no limit)")
        ->option_text("N")
        ->check(cli::whole_number(-1, 1000000))
        ->capture_default_str();
    sub->add_flag("-f,--fail", args->fail, "Exit 22 without printing the body when the status is 400 or above");
    auto* v4 = sub->add_flag("-4,--ipv4", args->ipv4, "Resolve and connect over IPv4 only");
    auto* v6 = sub->add_flag("-6,--ipv6", args->ipv6, "Resolve and connect over IPv6 only");
    v4->excludes(v6);
    sub->add_option("--connect-timeout", args->connect_timeout, "Seconds allowed for resolving and connecting (default 300)")
        ->option_text("SECONDS")
        ->check(cli::decimal_number(0.001, 1e6, "seconds"));
    sub->add_option("-m,--max-time", args->max_time, "Seconds allowed for the whole transfer (default: no limit)")
        ->option_text("SECONDS")
        ->check(cli::decimal_number(0.001, 1e6, "seconds"));
    sub->add_option("--max-filesize", args->max_filesize,
                    "Largest body accepted, in bytes or with K, M, G (1K = 1024); exit 63 beyond it (default: no limit)")
        ->option_text("BYTES")
        ->check(CLI::Validator(
            [](std::string& v) {
                return client::parse_byte_size(v) ? std::string()
                                                  : "must be a number of bytes such as 1000, 200K, 3M or 1G, not '" + v + "'";
            },
            ""));
    sub->add_option("--resolve", args->resolve,
                    "Connect to ADDRESS for HOST:PORT, keeping HOST for the Host header, SNI and certificate checks (repeatable)")
        ->option_text("HOST:PORT:ADDRESS")
        ->check(CLI::Validator(
            [](std::string& v) {
                std::string why;
                return client::parse_resolve_override(v, why) ? std::string() : why;
            },
            ""));
    sub->add_flag("-k,--insecure", args->insecure, "https: skip the certificate checks (chain, expiry, host name)");
    sub->add_option("--cacert", args->cacert, "https: trust the CA certificates in FILE (PEM) instead of the system's")
        ->option_text("FILE");
    sub->add_option("--capath", args->capath, "https: trust the CA certificates in DIR (hashed as by c_rehash)")
        ->option_text("DIR");
    auto* cert = sub->add_option("-E,--cert", args->cert,
                                 "https: present the certificate in FILE (PEM, chain allowed) to a server that asks for one")
                     ->option_text("FILE");
    sub->add_option("--key", args->key, "https: the private key for --cert (PEM, unencrypted; default: in the --cert file)")
        ->option_text("FILE")
        ->needs(cert);
    auto* v12 = sub->add_flag("--tlsv1.2", args->tlsv1_2, "https: TLS 1.2 or newer (the default)");
    auto* v13 = sub->add_flag("--tlsv1.3", args->tlsv1_3, "https: TLS 1.3 only (with no --tls-max)");
    v12->excludes(v13);
    sub->add_option("--tls-max", args->tls_max, "https: newest TLS version to offer (default: the newest known)")
        ->option_text("1.2|1.3")
        ->check(CLI::Validator(
            [](std::string& v) { return tls::parse_version(v) ? std::string() : "must be 1.2 or 1.3, not '" + v + "'"; },
            ""));
    sub->add_flag("-s,--silent", args->silent, "No progress bar and no error messages");
    sub->add_flag("-S,--show-error", args->show_error, "With -s, still print error messages");
    sub->add_flag("--timing", args->timing, "Show the phases (DNS, connect, first byte, body) as a bar chart; JSON fields with --json");
    sub->footer(
        "Examples:\n"
        "  netlab get http://127.0.0.1:8080/                  the body on stdout\n"
        "  netlab get -L -o page.html --timing http://example.test/   follow redirects, save, show where time went\n"
        "  netlab get -I http://[::1]:8080/file               only the response head\n"
        "  netlab get -v --cacert ca.pem https://localhost:8443/   TLS version, cipher and certificate shown\n"
        "  netlab get -f -s -S http://localhost:8080/health   a health check: exit 22 on 4xx/5xx\n"
        "  netlab --json get http://127.0.0.1:8080/ -o /dev/null   status, sizes and times as one JSON object\n\n" +
        exit_code_footer());
    sub->callback([args, &chosen] {
        chosen = [args](cli::output& out) { return run_get_command(out, *args); };
    });
}

}  // namespace netlab::commands
