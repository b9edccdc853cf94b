#include "cli/app_tree.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/completion.hpp"
#include "cli/exit_codes.hpp"
#include "cli/help_format.hpp"
#include "cli/validators.hpp"

namespace netlab::cli {
namespace {

std::string root_footer() {
    std::string text = "Exit codes:\n";
    for (const auto& e : common_exit_codes) text += fmt::format("  {:<4} {}\n", e.code, e.meaning);
    text += "  (subcommands add their own, listed in their --help)\n\n";
    text += "Run 'netlab help SUBCOMMAND' or 'netlab SUBCOMMAND --help' for its options and examples.\n";
    text += "Manual: 'man netlab'; the docs/ folder of netlab's source has the rest.";
    return text;
}

void add_global_options(app_tree& t) {
    auto& g = t.globals;
    CLI::App& app = t.app;
    app.add_flag("--json", g.json, "Print one JSON object per line on stdout (stable field names)");
    std::string words;
    for (const auto& c : color_words) words += (words.empty() ? "" : "|") + std::string(c.word);
    app.add_option_function<std::string>(
           "--color",
           [&g](const std::string& word) {
               for (const auto& c : color_words)
                   if (c.word == word) g.color = c.mode;
           },
           "Colour: auto (on terminals), always or never; NO_COLOR is honoured")
        ->check(one_of("one of", {color_words[0].word, color_words[1].word, color_words[2].word}))
        ->option_text(words);
    app.add_flag("-q,--quiet", g.quiet, "Print only errors and the output asked for");
    app.add_flag("-v,--verbose", g.verbose, "More detail (repeat for more)");
    app.add_flag("--trace", g.trace, "Print each socket-API step (socket, bind, connect, send, recv, close...)");
    app.add_flag("-V,--version", t.show_version, "Print version, OS backend and library versions");
}

void add_help_command(app_tree& t) {
    t.help = t.app.add_subcommand("help", "Show the help of netlab or of one subcommand");
    t.help->add_option("SUBCOMMAND", t.help_topic, "The subcommand to explain");
    t.help->footer("Examples:\n  netlab help\n  netlab help get");
}

void add_completions_command(app_tree& t) {
    t.completions = t.app.add_subcommand("completions", "Print the shell completion script for bash, zsh, fish or powershell");
    t.completions
        ->add_option("SHELL", t.completion_shell, "bash, zsh, fish or powershell")
        ->required()
        ->check(one_of("one of", {completion_shells[0].name, completion_shells[1].name, completion_shells[2].name,
                                  completion_shells[3].name}));
    t.completions->footer(
        "Examples:\n"
        "  netlab completions bash > ~/.local/share/bash-completion/completions/netlab\n"
        "  netlab completions zsh > ~/.zfunc/_netlab         # a folder in $fpath\n"
        "  netlab completions fish > ~/.config/fish/completions/netlab.fish\n"
        "  netlab completions powershell >> $PROFILE\n"
        "The same scripts are in completions/ of the source, and `cmake --install` puts them\n"
        "where each shell looks.");
}

// A repeatable option (a vector: get's -H, -d, --resolve) takes exactly one value per
// use, as curl's do. CLI11 otherwise lets it take every word up to the next option, so
// `get -H 'Accept: x' URL -o f` read the URL as a second header. Set here, for every
// subcommand at once, so a repeatable option added later cannot forget it.
void one_value_per_use(CLI::App& app) {
    for (auto* o : app.get_options([](CLI::Option* o) { return o->nonpositional() && o->get_expected_max() > 1; }))
        o->allow_extra_args(false);
    for (auto* sub : app.get_subcommands([](CLI::App*) { return true; })) one_value_per_use(*sub);
}

}  // namespace

std::unique_ptr<app_tree> make_app_tree() {
    auto t = std::make_unique<app_tree>();
    CLI::App& app = t->app;
    app.formatter(make_help_formatter());  // before the subcommands, which inherit it
    app.footer(root_footer());
    app.fallthrough();  // global options also after the subcommand
    // CLI11 would otherwise read "/tmp/x" as an option on Windows.
    app.allow_windows_style_options(false);
    app.require_subcommand(0, 1);
    add_global_options(*t);
    for (const auto& c : commands::all()) c.add(app, t->chosen);
    add_help_command(*t);
    add_completions_command(*t);
    one_value_per_use(app);
    return t;
}

}  // namespace netlab::cli
