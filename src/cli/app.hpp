// The command-line frame: global options, the subcommand table, parsing, and turning
// every usage problem into one line and exit code 2.
#pragma once

namespace netlab::cli {

int run(int argc, const char* const* argv);

}  // namespace netlab::cli
