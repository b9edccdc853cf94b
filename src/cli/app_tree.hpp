// The one CLI11 app tree: global options, every subcommand and `help`. Built here only,
// for the real run, the tests of the option tables and anything that walks the tree
// (completions), so none of them can see a different command line.
#pragma once

#include <CLI/App.hpp>
#include <memory>
#include <string>

#include "cli/global_options.hpp"
#include "commands/registry.hpp"

namespace netlab::cli {

struct app_tree {
    CLI::App app{"netlab: network diagnostics from the socket API up", "netlab"};
    global_options globals;
    bool show_version = false;
    CLI::App* help = nullptr;  // `netlab help [SUBCOMMAND]`
    std::string help_topic;
    CLI::App* completions = nullptr;  // `netlab completions SHELL`
    std::string completion_shell;
    commands::runner chosen;   // set when a subcommand is parsed
};

std::unique_ptr<app_tree> make_app_tree();

}  // namespace netlab::cli
