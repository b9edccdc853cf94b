// netlab demux-demo: how the transport layer hands arriving data to sockets, shown live on
// loopback — UDP by destination only (every client's datagram in one socket), TCP by the
// 4-tuple (a socket per connection). Options, one call into demux/, output through
// cli::output.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <array>
#include <iostream>
#include <string>

#include "cli/exit_codes.hpp"
#include "cli/output.hpp"
#include "cli/text.hpp"
#include "cli/validators.hpp"
#include "commands/registry.hpp"
#include "demux/demo.hpp"
#include "demux/narration.hpp"
#include "netlab/platform/error.hpp"
#include "netlab/platform/terminal.hpp"

namespace netlab::commands {
namespace {

using cli::json_object;
using cli::style;

struct demux_args {
    demux::config config;
    bool step = false;
};

// Prose is wrapped to this many columns.
constexpr std::size_t text_width = 88;
// The column where a call starts, after its owner ("client 12").
constexpr std::size_t owner_width = 10;

style client_style(unsigned client) {
    static constexpr std::array<style, 5> palette{style::cyan, style::green, style::yellow, style::magenta, style::blue};
    return client == 0 ? style::none : palette[(client - 1) % palette.size()];
}

style tone_style(const demux::span& s) {
    switch (s.kind) {
        case demux::tone::frame: return style::dim;
        case demux::tone::title: return style::bold;
        case demux::tone::client: return client_style(s.client);
        case demux::tone::quiet: break;
    }
    return style::none;
}

void add_endpoints(json_object& o, const std::string& src, const std::string& dst) {
    if (src.empty()) o.add_null("src");
    else o.add("src", src);
    if (dst.empty()) o.add_null("dst");
    else o.add("dst", dst);
}

json_object call_json(const demux::call& c) {
    json_object o;
    o.add("event", "call").add("proto", demux::protocol_name(c.proto)).add("call", platform::step_name(c.step));
    o.add("socket", c.socket);
    add_endpoints(o, c.src, c.dst);
    o.add("owner", c.server ? "server" : "client");
    if (c.client != 0) o.add("client", c.client);
    else o.add_null("client");
    if (c.step == platform::trace_step::accept) o.add("listener", c.listener);
    if (!c.requested.empty()) o.add("requested", c.requested);
    if (c.bytes >= 0) o.add("bytes", c.bytes);
    if (!c.detail.empty()) o.add("detail", c.detail);
    if (!c.payload.empty()) o.add("payload", c.payload);
    if (c.header) {
        json_object h;
        h.add("source_port", static_cast<unsigned>(c.header->source_port))
            .add("destination_port", static_cast<unsigned>(c.header->destination_port))
            .add("length", static_cast<unsigned>(c.header->length));
        if (c.header->checksum_known) h.add("checksum", static_cast<unsigned>(c.header->checksum));
        else h.add_null("checksum");
        o.add_raw("header", h.str());
    }
    if (c.error) o.add("error", platform::kind_name(platform::classify(c.error)));
    return o;
}

std::string call_human(const cli::output& out, const demux::call& c) {
    const auto owner = demux::owner_text(c);
    std::string line = fmt::format("  {}{} {}", out.paint(owner, client_style(c.server ? 0 : c.client)),
                                   std::string(owner_width - std::min(owner_width, owner.size()), ' '),
                                   demux::call_text(c));
    if (c.error) line = out.paint(line, style::red);
    if (c.header) line += fmt::format("\n  {}{}", std::string(owner_width + 1, ' '), out.paint(demux::header_text(*c.header), style::dim));
    return line;
}

json_object half_json(const demux::half& h) {
    std::string sockets;
    for (const auto& s : h.sockets) {
        std::string from;
        for (const auto& a : s.arrivals) {
            json_object f;
            f.add("client", a.client).add("src", a.src).add("bytes", static_cast<std::uint64_t>(a.bytes));
            from += (from.empty() ? "" : ",") + f.str();
        }
        json_object o;
        o.add("socket", s.socket).add("listener", s.listener).add("local", s.local);
        if (s.remote.empty()) o.add_null("remote");
        else o.add("remote", s.remote);
        o.add_raw("from", "[" + from + "]");
        sockets += (sockets.empty() ? "" : ",") + o.str();
    }
    json_object o;
    o.add("event", "sockets").add("proto", demux::protocol_name(h.proto)).add_raw("sockets", "[" + sockets + "]");
    return o;
}

std::string picture_human(const cli::output& out, const demux::half& h) {
    std::string text;
    for (const auto& line : demux::picture(h)) {
        text += "\n  ";
        for (const auto& s : line) text += out.paint(s.text, tone_style(s));
    }
    return text;
}

// --step: waits for Enter before each step after the first, only when a person is at
// stdin; end of input stops the waiting.
class stepper {
public:
    explicit stepper(bool wanted) : waiting_(wanted && platform::input_is_terminal()) {}
    void before(unsigned number) {
        if (!waiting_ || number == 1) return;
        std::fputs(fmt::format("Press Enter for step {} of {}...", number, demux::step_count).c_str(), stderr);
        std::fflush(stderr);
        std::string line;
        if (!std::getline(std::cin, line)) waiting_ = false;
    }

private:
    bool waiting_;
};

int run_demo(cli::output& out, const demux_args& a) {
    stepper pause(a.step);
    demux::events ev;
    ev.on_note = [&out](std::string_view text) {
        json_object o;
        o.add("event", "note").add("text", text);
        out.event(o, out.paint(cli::wrap(fmt::format("Note: {}", text), text_width), style::yellow));
    };
    ev.on_step = [&](const demux::step_info& s) {
        pause.before(s.number);
        json_object o;
        o.add("event", "step").add("number", s.number).add("of", demux::step_count);
        if (s.proto) o.add("proto", demux::protocol_name(*s.proto));
        else o.add_null("proto");
        o.add("title", s.title).add("text", s.text);
        out.event(o, fmt::format("\n{}\n{}", out.paint(fmt::format("Step {} of {}: {}", s.number, demux::step_count, s.title), style::bold),
                                 cli::wrap(s.text, text_width)));
    };
    ev.on_call = [&out](const demux::call& c) { out.event(call_json(c), call_human(out, c)); };
    // The pictures and the closing explanation are what the demo is for: printed even
    // with -q, which leaves out the steps and the calls that lead to them.
    ev.on_half = [&out](const demux::half& h) { out.result(half_json(h), picture_human(out, h)); };

    const auto o = demux::run(a.config, ev);
    json_object s;
    s.add("event", "summary").add("port", static_cast<unsigned>(o.port)).add("clients", a.config.clients);
    s.add("udp_sockets", static_cast<std::uint64_t>(o.udp.sockets.size()));
    s.add("tcp_sockets", static_cast<std::uint64_t>(o.tcp.sockets.empty() ? 0 : o.tcp.sockets.size() - 1));
    s.add("distinct_addresses", o.distinct_addresses);
    if (o.shared_source_port != 0) s.add("shared_source_port", static_cast<unsigned>(o.shared_source_port));
    else s.add_null("shared_source_port");
    s.add("elapsed_s", o.elapsed_s);
    if (o.error) {
        // A script reading JSON lines learns how the run ended from its last one, as it
        // does when the demo succeeds; a person reads the one line on stderr.
        const std::string message = fmt::format("demux-demo stopped at {}: {}", o.failed, platform::describe(o.error));
        if (out.json()) {
            s.add("error", platform::kind_name(platform::classify(o.error))).add("stopped_at", o.failed).add("message", message);
            out.result(s, {});
        }
        out.error(message);
        return cli::exit_code::failure;
    }
    out.result(s, "\n" + cli::wrap(demux::closing_text(o, a.config.clients), text_width));
    return cli::exit_code::ok;
}

}  // namespace

void add_demux_demo(CLI::App& app, runner& chosen) {
    auto args = std::make_shared<demux_args>();
    auto* sub = app.add_subcommand("demux-demo",
                                   "Show live how UDP and TCP hand arriving data to sockets (demultiplexing), on loopback");
    sub->add_option("-p,--port", args->config.port, "Port number for both servers; 0 picks one free for both (default 0)")
        ->option_text("P")
        ->check(cli::whole_number(0, 65535));
    sub->add_option("--clients", args->config.clients,
                    fmt::format("Clients per protocol, 2 to {} (default {})", demux::max_clients, args->config.clients))
        ->option_text("N")
        ->check(cli::whole_number(2, demux::max_clients));
    sub->add_flag("--step", args->step, "Wait for Enter between steps (when stdin is a terminal), for a classroom");
    sub->footer(
        "Everything runs in this one process on 127.0.0.1 (clients on 127.0.0.2, 127.0.0.3, ... where the OS\n"
        "has them) and ends by itself in well under a second; nothing leaves the machine.\n"
        "\n"
        "Exit codes: 0 shown, 1 a socket call failed (e.g. --port in use), 2 usage error.\n"
        "\n"
        "Examples:\n"
        "  netlab demux-demo                     3 clients per protocol, a free port\n"
        "  netlab demux-demo --step              pause between steps (press Enter)\n"
        "  netlab demux-demo --clients 5 -p 9000\n"
        "  netlab --trace demux-demo             also the socket-API trace on stderr\n"
        "  netlab --json demux-demo              every call as a JSON object: proto, socket, src, dst, header");
    sub->callback([args, &chosen] { chosen = [args](cli::output& out) { return run_demo(out, *args); }; });
}

}  // namespace netlab::commands
