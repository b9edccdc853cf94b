// netlab_udp_relay: the impairing UDP relay of tests/support as a program, for scripts
// that show a lossy path (scripts/learn-sockets-examples). Usage:
//   netlab_udp_relay TARGET_PORT [drop=I,J,...] [duplicate=I,...] [delay=I:N,...]
// Prints the port clients send to (127.0.0.1) on one line, then relays until stdin ends.
// Indices count the client's datagrams from 0, as in support/udp_relay.hpp.
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>

#include "support/udp_relay.hpp"

namespace {

bool parse_list(const std::string& text, const std::string& key, netlab::test::impairment& plan) {
    std::istringstream in(text);
    for (std::string item; std::getline(in, item, ',');) {
        if (key == "drop") plan.drop.insert(std::stoull(item));
        else if (key == "duplicate") plan.duplicate.insert(std::stoull(item));
        else if (key == "delay") {
            const auto colon = item.find(':');
            if (colon == std::string::npos) return false;
            plan.delay[std::stoull(item.substr(0, colon))] = std::stoull(item.substr(colon + 1));
        } else {
            return false;
        }
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fputs("usage: netlab_udp_relay TARGET_PORT [drop=I,...] [duplicate=I,...] [delay=I:N,...]\n", stderr);
        return 2;
    }
    netlab::test::impairment plan;
    try {
        for (int i = 2; i < argc; ++i) {
            const std::string arg = argv[i];
            const auto eq = arg.find('=');
            if (eq == std::string::npos || !parse_list(arg.substr(eq + 1), arg.substr(0, eq), plan)) throw std::invalid_argument(arg);
        }
        netlab::test::udp_relay relay(static_cast<unsigned short>(std::stoul(argv[1])), plan);
        std::printf("%u\n", static_cast<unsigned>(relay.port()));
        std::fflush(stdout);
        for (std::string line; std::getline(std::cin, line);) {
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "netlab_udp_relay: bad argument or relay failure: %s\n", e.what());
        return 2;
    }
    return 0;
}
