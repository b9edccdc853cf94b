// What udp-listen and udp-send print about datagrams and probe reports: the human line and
// the JSON object from one place, so both subcommands (and the listener's report as the
// sender shows it) read the same.
#pragma once

#include <string>
#include <string_view>

#include "cli/json.hpp"
#include "cli/output.hpp"
#include "netlab/platform/datagram.hpp"
#include "udp/probe.hpp"

namespace netlab::commands {

struct payload_view {
    bool hex = false;      // a hex dump instead of escaped text
    bool headers = false;  // the UDP header box / fields
};

// One received datagram as event `event` ("datagram", "reply").
void print_datagram(cli::output& out, std::string_view event, const platform::datagram& d, const payload_view& view);

// A probe session's counts: JSON fields (added to `o`) and two lines of text.
void add_report_fields(cli::json_object& o, const udp::probe::report_body& r);
std::string report_text(const udp::probe::report_body& r);

// "1a2b…": how a session id is shown, never in full (docs/udp-probe.md, "Trust model").
std::string session_text(std::uint64_t id);

}  // namespace netlab::commands
