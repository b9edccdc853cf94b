#include "commands/registry.hpp"

#include <array>

namespace netlab::commands {

std::span<const command_entry> all() {
    static const std::array<command_entry, 0> table{};
    return table;
}

}  // namespace netlab::commands
