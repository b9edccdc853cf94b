// How --help reads: the option's value in words ("-p, --port N"), its default in the
// description "(default 8080)" as curl and ripgrep write it, no CLI11 type names
// (UINT:INT in [0 - 65535]) or "Excludes:" lists, and every subcommand's page listing the
// global options that also apply to it.
#pragma once

#include <memory>

namespace CLI {
class FormatterBase;
}

namespace netlab::cli {

// Set on the root app before subcommands are added: they inherit it.
std::shared_ptr<CLI::FormatterBase> make_help_formatter();

}  // namespace netlab::cli
