// Usage errors in one line that blames the right word. Before CLI11 interprets anything,
// the words are checked against the app's own names, so `serve-http --prot 9000 .` is
// answered with the unknown option (and what it may have meant), not with a complaint
// about a folder called 9000. What CLI11 itself refuses later is reworded here too.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
class ParseError;
}  // namespace CLI

namespace netlab::cli {

struct usage_problem {
    std::string message;     // one line, no "netlab: " prefix
    std::string subcommand;  // whose --help to point to; empty for the top level
};

// The first word that names no subcommand or option of `root` (global options count
// after the subcommand too), with a did-you-mean suggestion; nullopt when all are known.
// `args` excludes the program name.
std::optional<usage_problem> find_unknown_word(const CLI::App& root, const std::vector<std::string>& args);

// CLI11's refusal in netlab's words.
usage_problem describe_parse_error(const CLI::ParseError& e, const CLI::App& root);

// "(see 'netlab get --help')" or "(see 'netlab --help')".
std::string help_pointer(const std::string& subcommand);

}  // namespace netlab::cli
