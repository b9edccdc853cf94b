#include "cli/app.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <exception>
#include <map>
#include <string>

#include "cli/exit_codes.hpp"
#include "cli/output.hpp"
#include "cli/parsing_rules.hpp"
#include "cli/version.hpp"
#include "commands/registry.hpp"

namespace netlab::cli {
namespace {

std::string exit_code_footer() {
    std::string text = "Exit codes:\n";
    for (const auto& e : common_exit_codes) text += fmt::format("  {:<4} {}\n", e.code, e.meaning);
    text += "  (subcommands add their own; see README.md)\n";
    return text;
}

std::string subcommand_names() {
    std::string names;
    for (const auto& c : commands::all()) names += (names.empty() ? "" : ", ") + std::string(c.name);
    return names.empty() ? "(none yet)" : names;
}

void add_global_options(CLI::App& app, global_options& g, std::string& color) {
    app.add_flag("--json", g.json, "Print one JSON object per line on stdout (stable field names)");
    app.add_option("--color", color, "Colour output: auto, always or never (NO_COLOR is honoured)")
        ->check(CLI::IsMember({"auto", "always", "never"}))
        ->option_text("auto|always|never");
    app.add_flag("-q,--quiet", g.quiet, "Print only errors and the output asked for");
    app.add_flag("-v,--verbose", g.verbose, "More detail (repeat for more)");
    app.add_flag("--trace", g.trace, "Print each socket-API step (socket, bind, connect, send, recv, close...)");
}

platform::color_mode to_color_mode(const std::string& s) {
    if (s == "always") return platform::color_mode::always;
    if (s == "never") return platform::color_mode::never;
    return platform::color_mode::automatic;
}

// CLI11's messages are one line already; this keeps the unknown-subcommand case in
// words that say what is expected.
std::string usage_message(const CLI::ParseError& e, const CLI::App& app) {
    if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr && app.get_subcommands().empty()) {
        const auto extras = app.remaining();
        if (!extras.empty() && !extras.front().empty() && extras.front()[0] != '-')
            return fmt::format("unknown subcommand '{}'; expected one of: {}", extras.front(), subcommand_names());
    }
    std::string text = e.what();
    for (auto& c : text)
        if (c == '\n') c = ' ';
    return text;
}

}  // namespace

int run(int argc, const char* const* argv) {
    CLI::App app{"netlab: network diagnostics from the socket API up", "netlab"};
    app.footer(exit_code_footer());
    apply_parsing_rules(app);

    global_options globals;
    std::string color = "auto";
    bool show_version = false;
    add_global_options(app, globals, color);
    app.add_flag("-V,--version", show_version, "Print version, OS backend and library versions");

    commands::runner chosen;
    for (const auto& c : commands::all()) c.add(app, chosen);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        std::fputs(app.help().c_str(), stdout);
        return exit_code::ok;
    } catch (const CLI::CallForAllHelp&) {
        std::fputs(app.help("", CLI::AppFormatMode::All).c_str(), stdout);
        return exit_code::ok;
    } catch (const CLI::ParseError& e) {
        // A subcommand's --help is thrown from within it: print that subcommand's help.
        if (e.get_exit_code() == 0) {
            for (const auto* sub : app.get_subcommands()) std::fputs(sub->help().c_str(), stdout);
            return exit_code::ok;
        }
        fmt::print(stderr, "netlab: {} (see 'netlab --help')\n", usage_message(e, app));
        return exit_code::usage;
    }

    globals.color = to_color_mode(color);
    output out(globals);
    if (show_version) {
        out.result(version_json(), version_text());
        return exit_code::ok;
    }
    if (!chosen) {
        fmt::print(stderr, "netlab: no subcommand given; expected one of: {} (see 'netlab --help')\n",
                   subcommand_names());
        return exit_code::usage;
    }
    if (globals.trace) install_trace_printer(out);
    try {
        return chosen(out);
    } catch (const std::exception& e) {
        // Never an exception text dumped raw: one line, failure code.
        out.error(fmt::format("internal error: {}", e.what()));
        return exit_code::failure;
    }
}

}  // namespace netlab::cli
