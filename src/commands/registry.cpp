#include "commands/registry.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "scan/services.hpp"

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

std::vector<std::string> value_words(std::string_view value_name) {
    std::vector<std::string> out;
    if (value_name != "SPEC") return out;
    // The 100 most common ports' names, most common first. "unknown" is no name to type,
    // and a name with ':' ("X11:1") would be split by the shell.
    for (std::size_t i = 0; i < 100; ++i) {
        const std::string name(scan::top_ports_table()[i].name);
        const bool plain = std::all_of(name.begin(), name.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; });
        if (plain && name != "unknown" && std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
    }
    return out;
}

}  // namespace netlab::commands
