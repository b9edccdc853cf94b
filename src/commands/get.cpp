// netlab get: an HTTP/1.1 client with curl's everyday options and exit codes. Options,
// one call into client::run_get, output through cli::output.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <array>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "cli/exit_codes.hpp"
#include "cli/output.hpp"
#include "cli/validators.hpp"
#include "client/fetch.hpp"
#include "commands/registry.hpp"
#include "net/endpoint.hpp"
#include "netlab/platform/error.hpp"
#include "netlab/platform/stdio.hpp"
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
    bool silent = false;
    bool show_error = false;
    bool timing = false;
};

// The progress bar appears only after this long (curl waits too, so a quick transfer
// never flashes one).
constexpr auto progress_delay = std::chrono::seconds(1);
constexpr int default_columns = 80;

std::chrono::milliseconds to_ms(double s) {
    return std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(s * 1000.0)));
}

// -d as curl reads it: "@file" is the file's bytes without CR and LF; several -d are
// joined with '&'. nullopt (and `why`) when a file cannot be read.
std::optional<std::string> request_body(const std::vector<std::string>& data, std::string& why) {
    std::string body;
    for (std::size_t i = 0; i < data.size(); ++i) {
        if (i > 0) body += '&';
        if (!data[i].starts_with('@')) {
            body += data[i];
            continue;
        }
        std::ifstream in(data[i].substr(1), std::ios::binary);
        if (!in) {
            why = fmt::format("cannot read data file '{}'", data[i].substr(1));
            return std::nullopt;
        }
        for (auto it = std::istreambuf_iterator<char>(in); it != std::istreambuf_iterator<char>(); ++it)
            if (*it != '\r' && *it != '\n') body += *it;
    }
    return body;
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

// Where the body goes: stdout, a file opened at the first byte (as curl does, so a
// failed transfer leaves no empty file behind), or nowhere (--json without -o).
class body_sink {
public:
    body_sink(cli::output& out, std::string file, bool discard)
        : out_(out), file_name_(std::move(file)), discard_(discard) {}
    ~body_sink() { close(); }
    bool to_file() const { return !file_name_.empty(); }
    bool write(std::string_view bytes) {
        if (discard_) return true;
        if (!to_file()) return out_.write_stdout(bytes);
        if (!open()) return false;
        return std::fwrite(bytes.data(), 1, bytes.size(), file_) == bytes.size();
    }
    // Creates the file even for an empty body; false when it cannot be written.
    bool finish() {
        if (discard_) return true;
        if (!to_file()) return out_.flush();
        if (!open()) return false;
        return close();
    }

private:
    bool open() {
        if (file_ == nullptr && !failed_) {
            file_ = platform::open_output_file(file_name_);
            failed_ = file_ == nullptr;
            // Body data comes in large blocks; stdio's small buffer would split each into
            // two write calls.
            if (file_ != nullptr) std::setvbuf(file_, nullptr, _IONBF, 0);
        }
        return file_ != nullptr;
    }
    bool close() {
        if (file_ == nullptr) return !failed_;
        const bool ok = std::fclose(file_) == 0;
        file_ = nullptr;
        failed_ = failed_ || !ok;
        return ok;
    }
    cli::output& out_;
    std::string file_name_;
    bool discard_;
    std::FILE* file_ = nullptr;
    bool failed_ = false;
};

cli::json_object result_json(const client::get_result& r, int exit_code) {
    cli::json_object o;
    o.add("event", "get").add("url", r.effective_url).add("ok", r.error == get_error::ok);
    if (r.status > 0) o.add("status", r.status);
    else o.add_null("status");
    o.add("redirects", r.redirects).add("size_download", r.size_download).add("size_upload", r.size_upload);
    o.add("speed_download", client::speed(r.size_download, r.times.total - r.times.pretransfer));
    if (!r.content_type.empty()) o.add("content_type", r.content_type);
    if (!r.remote.empty()) o.add("remote", r.remote);
    for (const auto& f : client::timing_fields()) o.add(f.json_name, r.times.*f.moment);
    o.add("exit_code", exit_code);
    if (r.error != get_error::ok) o.add("error", client::info(r.error).name).add("message", r.message);
    return o;
}

std::string timing_text(const cli::output& out, const client::get_result& r) {
    static constexpr std::array<cli::style, 6> colours{cli::style::magenta, cli::style::cyan, cli::style::green,
                                                        cli::style::yellow, cli::style::blue, cli::style::red};
    const int width = platform::terminal_width(platform::std_stream::err).value_or(default_columns);
    std::string text = client::timing_chart(r.times, width, [&](std::string_view bar, std::size_t row) {
        return out.paint(bar, colours[row % colours.size()], true);
    });
    const double body_time = r.times.total - r.times.pretransfer;
    text += fmt::format("\n  {} {}  {} in {}  {}/s  from {}", out.paint(std::to_string(r.status), cli::style::bold, true),
                        r.effective_url, client::format_bytes(r.size_download), client::format_duration(body_time),
                        client::format_bytes(static_cast<std::uint64_t>(client::speed(r.size_download, body_time))),
                        r.remote.empty() ? "-" : r.remote);
    return text;
}

int run_get_command(cli::output& out, const get_args& a) {
    std::string why;
    client::get_options o;
    o.url = a.url;
    o.method = a.method;
    o.head_only = a.head;
    for (const auto& h : a.headers) o.headers.push_back(*client::parse_user_header(h, why));  // validated by CLI11
    if (!a.data.empty()) {
        o.body = request_body(a.data, why);
        if (!o.body) {
            out.error(why);
            return cli::exit_code::usage;
        }
    }
    o.user_agent = a.user_agent;
    o.follow_redirects = a.location;
    o.max_redirects = a.max_redirs;
    o.fail_on_http_error = a.fail;
    o.family = a.ipv4 ? client::ip_family::v4 : a.ipv6 ? client::ip_family::v6 : client::ip_family::any;
    if (a.connect_timeout > 0) o.connect_timeout = to_ms(a.connect_timeout);
    if (a.max_time > 0) o.max_time = to_ms(a.max_time);

    const bool show_errors = !a.silent || a.show_error;
    const auto report = [&](get_error e, const std::string& message) {
        const int code = client::exit_code_of(e);
        if (show_errors) out.error(fmt::format("({}) {}", code, message));
        return code;
    };

    std::string file = a.output_file == "-" ? std::string() : a.output_file;
    if (a.remote_name) {
        file = client::remote_file_name(a.url);
        if (file.empty()) return report(get_error::write_error, "remote file name has no length (use -o FILE)");
    }
    if (file.empty() && !out.json()) {
        platform::set_binary_stdout();
        std::setvbuf(stdout, nullptr, _IONBF, 0);  // as for files: one write per block
    }
    body_sink sink(out, file, out.json() && file.empty());

    const bool head_to_stdout = (a.include || a.head) && !out.json();
    const bool verbose = out.verbosity() >= 1;
    const bool progress_allowed = !a.silent && !out.json() && !out.quiet() && sink.to_file() &&
                                  platform::is_terminal(platform::std_stream::err);
    bool progress_shown = false;

    client::get_events ev;
    if (verbose) {
        ev.trying = [&](const asio::ip::tcp::endpoint& ep) { out.detail(1, fmt::format("* trying {}...", net::to_string(ep))); };
        ev.attempt_failed = [&](const asio::ip::tcp::endpoint& ep, const std::error_code& ec) {
            out.detail(1, fmt::format("* connect to {} failed: {}", net::to_string(ep), platform::describe(ec)));
        };
        ev.connected = [&](const std::string& host, const asio::ip::tcp::endpoint& ep, bool reused) {
            out.detail(1, fmt::format("* {} {} ({}) port {}", reused ? "re-using connection to" : "connected to", host,
                                      net::to_string(ep.address()), ep.port()));
        };
        ev.request_sent = [&](std::string_view head) { out.detail(1, prefixed(head, "> ")); };
    }
    ev.response = [&](const client::response_info& r, bool interim, bool) {
        if (verbose) out.detail(1, prefixed(r.raw, "< "));
        if (head_to_stdout && !interim) out.write_stdout(r.raw);
    };
    ev.body = [&](std::string_view bytes) { return sink.write(bytes); };
    if (progress_allowed) {
        ev.on_progress = [&](const client::progress& p) {
            if (p.elapsed < std::chrono::duration<double>(progress_delay).count() && !progress_shown) return;
            progress_shown = true;
            const int width = platform::terminal_width(platform::std_stream::err).value_or(default_columns);
            out.status_line(client::progress_line(p, width - 1));
        };
    }

    auto r = client::run_get(o, ev);
    if (progress_shown) out.note("");  // keep the last progress line, end it
    if (r.error == get_error::ok && !sink.finish()) {
        r.error = get_error::write_error;
        r.message = file.empty() ? "failure writing output to stdout" : fmt::format("failure writing output to '{}'", file);
    }
    const int code = client::exit_code_of(r.error);
    if (out.json()) out.result(result_json(r, code), "");
    else if (a.timing) out.detail(0, timing_text(out, r));
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
    auto* sub = app.add_subcommand("get", "Fetch a URL over HTTP/1.1 (curl's everyday options and exit codes)");
    sub->add_option("URL", args->url, "http://host[:port]/path?query ([::1] for IPv6; user:pw@ for Basic auth)")
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
    sub->add_flag("-s,--silent", args->silent, "No progress bar and no error messages");
    sub->add_flag("-S,--show-error", args->show_error, "With -s, still print error messages");
    sub->add_flag("--timing", args->timing, "Show the phases (DNS, connect, first byte, body) as a bar chart; JSON fields with --json");
    sub->footer(
        "Examples:\n"
        "  netlab get http://127.0.0.1:8080/                  the body on stdout\n"
        "  netlab get -L -o page.html --timing http://example.test/   follow redirects, save, show where time went\n"
        "  netlab get -I http://[::1]:8080/file               only the response head\n"
        "  netlab get -f -s -S http://localhost:8080/health   a health check: exit 22 on 4xx/5xx\n"
        "  netlab --json get http://127.0.0.1:8080/ -o /dev/null   status, sizes and times as one JSON object\n\n" +
        exit_code_footer());
    sub->callback([args, &chosen] {
        chosen = [args](cli::output& out) { return run_get_command(out, *args); };
    });
}

}  // namespace netlab::commands
