#include "commands/options.hpp"

#include <CLI/CLI.hpp>

#include "net/endpoint.hpp"

namespace netlab::commands {

CLI::Validator local_address() {
    return CLI::Validator(
        [](std::string& v) {
            return net::is_ip_address(v) || v == "localhost"
                       ? std::string{}
                       : "must be an IP address of this host (127.0.0.1, ::1, ...) or localhost, not '" + v + "'";
        },
        "");
}

}  // namespace netlab::commands
