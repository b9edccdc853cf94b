// The subcommand table. Each src/commands/<name>.cpp defines one `add_<name>` that
// declares the subcommand's options on CLI11 and, when chosen, sets the runner that
// calls into its library and reports through cli::output.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

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

// Words a shell may offer for a value the help names `value_name` (portscan's SPEC: the
// names of the most common services); empty for none.
std::vector<std::string> value_words(std::string_view value_name);

}  // namespace netlab::commands
