// Shell completion scripts, generated from the one app tree (cli/app_tree.hpp), so they
// cannot drift from the options the binary parses. The tree is first read into a plain
// model (what each subcommand and option is, and what its value may be), then written
// out in each shell's own terms.
#pragma once

#include <array>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

namespace netlab::cli {

// What an option's value (or a positional argument) is, for completing it.
enum class value_kind {
    none,     // a flag: no value
    text,     // free text: nothing to offer
    words,    // one of a known list
    file,     // a file name
    at_file,  // text, or @ and a file name (get -d @body.json)
    folder,   // a folder name
    host,     // a host name or address
};

struct completion_option {
    std::vector<std::string> names;  // "-o", "--output"; empty for a positional
    std::string value_name;          // "FILE", "auto|always|never"; the positional's name
    value_kind kind = value_kind::none;
    std::vector<std::string> words;  // for value_kind::words
    std::string description;         // one line
    bool repeats = false;            // a positional that takes every argument from here on
};

struct completion_command {
    std::string name;
    std::string description;
    std::vector<completion_option> options;      // its own, -h/--help included
    std::vector<completion_option> positionals;  // in order
};

struct completion_model {
    std::vector<completion_option> globals;  // valid before and after the subcommand
    std::vector<completion_command> commands;
};

// Words for a value name the tree cannot know by itself (portscan's SPEC: service names);
// empty when it has none.
using value_words = std::function<std::vector<std::string>(std::string_view value_name)>;

// Reads the tree. Value kinds come from the value names the help shows (FILE, DIR, ADDR,
// HOST, TARGET, a|b|c word lists), SUBCOMMAND and SHELL from the tree and the shells table,
// anything else from `extra`.
completion_model completion_model_of(const CLI::App& root, const value_words& extra);

std::string bash_completion(const completion_model& m);
std::string zsh_completion(const completion_model& m);
std::string fish_completion(const completion_model& m);
std::string powershell_completion(const completion_model& m);

// The shells `netlab completions` writes for: one table for its help, its check and the
// completion of its own argument.
struct completion_shell {
    std::string_view name;
    std::string_view file;  // the checked-in file under completions/
    std::string (*script)(const completion_model&);
};
inline constexpr std::array<completion_shell, 4> completion_shells{{
    {"bash", "netlab.bash", bash_completion},
    {"zsh", "_netlab", zsh_completion},
    {"fish", "netlab.fish", fish_completion},
    {"powershell", "netlab.ps1", powershell_completion},
}};

}  // namespace netlab::cli
