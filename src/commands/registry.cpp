#include "commands/registry.hpp"

#include <array>

namespace netlab::commands {

void add_demux_demo(CLI::App& app, runner& chosen);
void add_get(CLI::App& app, runner& chosen);
void add_portscan(CLI::App& app, runner& chosen);
void add_serve_http(CLI::App& app, runner& chosen);
void add_udp_listen(CLI::App& app, runner& chosen);
void add_udp_send(CLI::App& app, runner& chosen);

std::span<const command_entry> all() {
    static const std::array<command_entry, 6> table{{
        {"serve-http", add_serve_http},
        {"get", add_get},
        {"udp-send", add_udp_send},
        {"udp-listen", add_udp_listen},
        {"portscan", add_portscan},
        {"demux-demo", add_demux_demo},
    }};
    return table;
}

}  // namespace netlab::commands
