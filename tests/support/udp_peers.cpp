#include "support/udp_peers.hpp"

#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>
#include <sstream>
#include <stdexcept>

namespace netlab::test {

nlohmann::json udp_listener::next_event(std::chrono::milliseconds timeout) {
    const auto line = process.read_line(timeout);
    if (!line) return nullptr;
    return nlohmann::json::parse(*line, nullptr, false);
}

int udp_listener::finish(std::vector<nlohmann::json>& events, std::chrono::milliseconds timeout) {
    const int code = process.wait(timeout);
    events = json_lines(process.stdout_rest());
    return code;
}

udp_listener start_udp_listen(const std::vector<std::string>& args, bool native) {
    auto argv = native ? native_netlab_command() : netlab_command();
    for (const char* a : {"--json", "udp-listen", "0"}) argv.emplace_back(a);
    bool bind_given = false;
    for (const auto& a : args) bind_given = bind_given || a == "-b" || a == "--bind";
    if (!bind_given) argv.insert(argv.end(), {"--bind", "127.0.0.1"});
    argv.insert(argv.end(), args.begin(), args.end());
    udp_listener l;
    l.process = child::start(argv);
    const auto line = l.process.read_line(20s);
    if (!line) {
        l.process.wait(2s);
        throw std::runtime_error("udp-listen did not report listening; stderr: " + l.process.stderr_text());
    }
    l.listening = nlohmann::json::parse(*line, nullptr, false);
    if (!l.listening.is_object() || l.listening.value("event", "") != "listening")
        throw std::runtime_error("unexpected first line from udp-listen: " + *line);
    l.port = l.listening.at("port").get<unsigned short>();
    return l;
}

child start_python_udp(const std::string& script, unsigned short& port, const std::vector<std::string>& args) {
    if (!have_program("python3")) throw std::runtime_error("python3 is not installed (scripts/test installs it)");
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

std::vector<nlohmann::json> events_of(const std::vector<nlohmann::json>& events, const std::string& kind) {
    std::vector<nlohmann::json> out;
    for (const auto& e : events)
        if (e.is_object() && e.value("event", "") == kind) out.push_back(e);
    return out;
}

std::vector<nlohmann::json> json_lines(const std::string& out) {
    std::vector<nlohmann::json> events;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) events.push_back(nlohmann::json::parse(line, nullptr, false));
    return events;
}

}  // namespace netlab::test
