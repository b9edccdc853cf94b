#include "cli/app.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "cli/app_tree.hpp"
#include "cli/completion.hpp"
#include "cli/exit_codes.hpp"
#include "cli/output.hpp"
#include "cli/resource_error.hpp"
#include "cli/suggest.hpp"
#include "cli/usage.hpp"
#include "cli/version.hpp"

namespace netlab::cli {
namespace {

int usage_error(const usage_problem& p) {
    fmt::print(stderr, "netlab: {} {}\n", p.message, help_pointer(p.subcommand));
    return exit_code::usage;
}

// `netlab` alone: what it is and what to type next, as git does (on stderr: it is a
// usage error, exit 2).
int short_help(const CLI::App& app) {
    std::string text = fmt::format("{}\n\nUsage: netlab [GLOBAL OPTIONS] SUBCOMMAND [OPTIONS]\n\nSubcommands:\n",
                                   app.get_description());
    for (const auto* s : app.get_subcommands([](const CLI::App* a) { return !a->get_name().empty(); }))
        text += fmt::format("  {:<12} {}\n", s->get_name(), s->get_description());
    text += "\nRun 'netlab --help' for the global options, 'netlab help SUBCOMMAND' for one subcommand.\n";
    std::fputs(text.c_str(), stderr);
    return exit_code::usage;
}

// `netlab help [SUBCOMMAND]`.
int help_command(const app_tree& t) {
    if (t.help_topic.empty()) {
        // Not t.app.help(), which would describe the selected subcommand: `help` itself.
        std::fputs(t.app.get_formatter()->make_help(&t.app, "netlab", CLI::AppFormatMode::Normal).c_str(), stdout);
        return exit_code::ok;
    }
    std::vector<std::string> names;
    for (const auto* s : t.app.get_subcommands([](const CLI::App* a) { return !a->get_name().empty(); })) {
        if (s->check_name(t.help_topic)) {
            std::fputs(s->help("netlab").c_str(), stdout);
            return exit_code::ok;
        }
        names.push_back(s->get_name());
    }
    return usage_error({fmt::format("no subcommand '{}' to explain{}", t.help_topic, did_you_mean(t.help_topic, names)),
                        "help"});
}

// `netlab completions SHELL`: the script, from this very tree.
int completions_command(const app_tree& t) {
    const auto model = completion_model_of(t.app, commands::value_words);
    for (const auto& s : completion_shells)
        if (s.name == t.completion_shell) std::fputs(s.script(model).c_str(), stdout);
    return exit_code::ok;
}

// What ended a run by exception, in one line: a resource that ran out, or an internal
// error (never an exception text dumped raw).
std::string failure_text(const std::exception& e) {
    if (auto text = resource_error_text(e)) return std::move(*text);
    return fmt::format("internal error: {}", e.what());
}

int run_parsed(int argc, const char* const* argv) {
    auto tree = make_app_tree();
    CLI::App& app = tree->app;
    if (argc <= 1) return short_help(app);
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (const auto problem = find_unknown_word(app, args)) return usage_error(*problem);

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
            for (const auto* sub : app.get_subcommands()) std::fputs(sub->help("netlab").c_str(), stdout);
            return exit_code::ok;
        }
        return usage_error(describe_parse_error(e, app));
    }

    if (tree->help->parsed()) return help_command(*tree);
    if (tree->completions->parsed()) return completions_command(*tree);
    output out(tree->globals);
    if (tree->show_version) {
        out.result(version_json(), version_text());
        return exit_code::ok;
    }
    if (!tree->chosen) return short_help(app);
    if (tree->globals.trace) install_trace_printer(out);
    try {
        return tree->chosen(out);
    } catch (const std::exception& e) {
        out.error(failure_text(e));
        return exit_code::failure;
    }
}

}  // namespace

int run(int argc, const char* const* argv) {
    // Out of memory, descriptors or threads on another thread, or where an exception
    // cannot propagate: the same line as below, from std::terminate.
    install_resource_error_handler();
    try {
        return run_parsed(argc, argv);
    } catch (const std::exception& e) {
        // Before a subcommand ran (building the option tree, parsing): no output yet.
        std::fputs(fmt::format("netlab: {}\n", failure_text(e)).c_str(), stderr);
        return exit_code::failure;
    }
}

}  // namespace netlab::cli
