// The words and pictures of the demultiplexing demonstration, as values: what each step
// is about, each socket call as a line of C, the diagram of which client's traffic went
// into which socket, and the closing explanation. The command colours and prints them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "demux/demo.hpp"

namespace netlab::demux {

// What the narration needs to know when a step begins.
struct demo_facts {
    std::uint16_t port = 0;  // 0 before step 1 has chosen one
    unsigned clients = 0;
    bool distinct_addresses = false;
};

step_info step_text(unsigned number, std::optional<protocol> p, const demo_facts& f);

// "server" or "client 2": whose socket made the call (an accepted socket is the server's).
std::string owner_text(const call& c);

// The call as a line of C with its result: "bind(5, 127.0.0.1:41234) = 0",
// "recvfrom(5) = 19 from 127.0.0.2:46001 to 127.0.0.1:41234: \"hello from client 1\"",
// "connect(8, 127.0.0.1:41234) = -1: connection refused".
std::string call_text(const call& c);

// "UDP header: source port 46001 | destination port 41234 | length 27 | checksum 0x8d2e".
std::string header_text(const udp::udp_header& h);

// What arrived in one half: datagrams or messages, the distinct source endpoints they came
// from (the number the lesson is about: one sender may send many), and how many came from
// outside the demo (anyone may send to a UDP port).
struct half_count {
    std::size_t arrivals = 0;
    std::size_t sources = 0;
    std::size_t foreign = 0;
};
half_count count_arrivals(const half& h);

// The diagram of one half, a box per server socket with a row per source; each span
// says how it may be coloured.
enum class tone { frame, title, client, quiet };
struct span {
    std::string text;
    tone kind = tone::frame;
    unsigned client = 0;  // tone::client: whose row
};
using picture_line = std::vector<span>;
std::vector<picture_line> picture(const half& h);

// A few plain sentences on what the run showed.
std::string closing_text(const outcome& o, unsigned clients);

}  // namespace netlab::demux
