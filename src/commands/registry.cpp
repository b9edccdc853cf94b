#include "commands/registry.hpp"

#include <array>

namespace netlab::commands {

void add_serve_http(CLI::App& app, runner& chosen);

std::span<const command_entry> all() {
    static const std::array<command_entry, 1> table{{
        {"serve-http", add_serve_http},
    }};
    return table;
}

}  // namespace netlab::commands
