#include "cli/parsing_rules.hpp"

#include <CLI/CLI.hpp>

namespace netlab::cli {

void apply_parsing_rules(CLI::App& app) {
    app.fallthrough();  // global options also after the subcommand
    // CLI11 would otherwise read "/tmp/x" as an option on Windows.
    app.allow_windows_style_options(false);
    app.require_subcommand(0, 1);
}

}  // namespace netlab::cli
