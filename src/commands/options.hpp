// What several subcommands share about where they listen: the --bind check and the one
// sentence for a listener that could not start, both in words like cli/validators'.
#pragma once

#include <string>
#include <string_view>
#include <system_error>

namespace CLI {
class Validator;
}

namespace netlab::commands {

// --bind: an IP address (of this host, checked when binding) or "localhost".
CLI::Validator local_address();

// "cannot listen on UDP *:53: permission denied (ports below 1024 need privileges)":
// `protocol` is "" or "UDP ", `free_port` how this subcommand asks for any port
// ("--port 0").
std::string listen_failure(std::string_view protocol, const std::string& bind, unsigned port,
                           const std::error_code& ec, std::string_view free_port);

}  // namespace netlab::commands
