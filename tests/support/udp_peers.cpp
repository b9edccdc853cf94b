#include "support/udp_peers.hpp"

#include <linux/sock_diag.h>
#include <sys/socket.h>

#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>

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
    const auto line = c.read_line(20s);
    if (!line) throw std::runtime_error("the python3 UDP peer did not print its port: " + c.stderr_text());
    port = static_cast<unsigned short>(std::stoi(*line));
    return c;
}

namespace {

// The receive queue (bytes) of the socket bound to `port` as /proc/net/udp or udp6 lists
// it ("0100007F:1F90" is 127.0.0.1:8080, "00000000:00000340" tx:rx queue), or nullopt.
std::optional<std::uint64_t> udp_socket_queue(unsigned short port) {
    for (const char* table : {"/proc/net/udp", "/proc/net/udp6"}) {
        std::ifstream in(table);
        std::string line;
        std::getline(in, line);  // the column names
        while (std::getline(in, line)) {
            std::istringstream words(line);
            std::string slot, local, remote, state, queues;
            words >> slot >> local >> remote >> state >> queues;
            const auto colon = local.rfind(':');
            if (colon == std::string::npos || std::stoul(local.substr(colon + 1), nullptr, 16) != port) continue;
            const auto rx = queues.find(':');
            return rx == std::string::npos ? 0 : std::stoull(queues.substr(rx + 1), nullptr, 16);
        }
    }
    return std::nullopt;
}

bool udp_port_bound(unsigned short port) { return udp_socket_queue(port).has_value(); }

}  // namespace

bool udp_queue_empty(unsigned short port) { return udp_socket_queue(port).value_or(0) == 0; }

bool wait_for_udp_port(unsigned short port, child& peer, std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (!peer.exited() && std::chrono::steady_clock::now() < until) {
        if (udp_port_bound(port)) return true;
        std::this_thread::sleep_for(10ms);
    }
    return false;
}

std::uint64_t socket_drops(int fd) {
    std::array<std::uint32_t, SK_MEMINFO_VARS> info{};
    socklen_t size = sizeof info;
    if (::getsockopt(fd, SOL_SOCKET, SO_MEMINFO, info.data(), &size) != 0)
        throw std::runtime_error(std::string("SO_MEMINFO: ") + std::strerror(errno));
    return info[SK_MEMINFO_DROPS];
}

unsigned short unused_udp_port() {
    asio::io_context io;
    asio::ip::udp::socket s(io, {asio::ip::address_v4::loopback(), 0});
    return s.local_endpoint().port();
}

}  // namespace netlab::test
