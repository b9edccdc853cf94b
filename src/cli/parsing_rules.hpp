// How every netlab command line is parsed, the same on every OS; used by the real app
// and by the tests of the subcommands' option tables.
#pragma once

namespace CLI {
class App;
}

namespace netlab::cli {

void apply_parsing_rules(CLI::App& app);

}  // namespace netlab::cli
