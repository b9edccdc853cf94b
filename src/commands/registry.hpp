// The subcommand table. Each src/commands/<name>.cpp defines one `add_<name>` that
// declares the subcommand's options on CLI11 and, when chosen, sets the runner that
// calls into its library and reports through cli::output.
#pragma once

#include <functional>
#include <span>

namespace CLI {
class App;
}

namespace netlab::cli {
class output;
}

namespace netlab::commands {

using runner = std::function<int(cli::output&)>;

struct command_entry {
    const char* name;
    void (*add)(CLI::App& app, runner& chosen);
};

// Only subcommands that work are listed, so only they appear in --help.
std::span<const command_entry> all();

}  // namespace netlab::commands
