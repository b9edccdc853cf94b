// Option checks several subcommands share, with refusals in words like cli/validators'.
#pragma once

namespace CLI {
class Validator;
}

namespace netlab::commands {

// --bind: an IP address (of this host, checked when binding) or "localhost".
CLI::Validator local_address();

}  // namespace netlab::commands
