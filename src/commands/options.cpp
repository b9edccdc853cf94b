#include "commands/options.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "net/endpoint.hpp"
#include "netlab/platform/error.hpp"

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

std::string listen_failure(std::string_view protocol, const std::string& bind, unsigned port,
                           const std::error_code& ec, std::string_view free_port) {
    std::string hint;
    switch (platform::classify(ec)) {
        case platform::error_kind::address_in_use:
            hint = fmt::format(" (something else listens there; {} picks a free port)", free_port);
            break;
        case platform::error_kind::access_denied: hint = " (ports below 1024 need privileges)"; break;
        case platform::error_kind::address_not_available: hint = " (--bind must be an address of this host)"; break;
        default: break;
    }
    return fmt::format("cannot listen on {}{}:{}: {}{}", protocol, bind.empty() ? "*" : bind, port,
                       platform::describe(ec), hint);
}

}  // namespace netlab::commands
