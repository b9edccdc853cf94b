#include "support/udp_peers.hpp"

#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>
#include <stdexcept>

namespace netlab::test {
namespace {

std::vector<std::string> udp_listen_command(bool json, const std::vector<std::string>& args, bool native) {
    auto argv = native ? native_netlab_command() : netlab_command();
    if (json) argv.emplace_back("--json");
    for (const char* a : {"udp-listen", "0"}) argv.emplace_back(a);
    bool bind_given = false;
    for (const auto& a : args) bind_given = bind_given || a == "-b" || a == "--bind";
    if (!bind_given) argv.insert(argv.end(), {"--bind", "127.0.0.1"});
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

}  // namespace

netlab_server start_udp_listen(const std::vector<std::string>& args, bool native) {
    return start_json_listener(udp_listen_command(true, args, native), "udp-listen");
}

netlab_server start_human_udp_listen(const std::vector<std::string>& args) {
    netlab_server s;
    s.process = child::start(udp_listen_command(false, args, false));
    // "Listening on UDP 127.0.0.1:PORT; Ctrl-C to stop."
    const auto line = s.process.read_line(20s);
    const auto colon = line ? line->rfind(':') : std::string::npos;
    if (colon == std::string::npos) {
        s.process.wait(2s);
        throw std::runtime_error("udp-listen did not say where it listens; stderr: " + s.process.stderr_text());
    }
    s.banner = *line;
    s.port = static_cast<unsigned short>(std::stoi(line->substr(colon + 1)));
    return s;
}

child start_python_udp(const std::string& script, unsigned short& port, const std::vector<std::string>& args) {
    require_program("python3");
    std::vector<std::string> argv{"python3", "-c", script};
    argv.insert(argv.end(), args.begin(), args.end());
    child c = child::start(argv);
    const auto line = c.read_line(10s);
    if (!line) throw std::runtime_error("the python3 UDP peer did not print its port: " + c.stderr_text());
    port = static_cast<unsigned short>(std::stoi(*line));
    return c;
}

unsigned short unused_udp_port() {
    asio::io_context io;
    asio::ip::udp::socket s(io, {asio::ip::address_v4::loopback(), 0});
    return s.local_endpoint().port();
}

}  // namespace netlab::test
