#include <poll.h>

#include "netlab/platform/connect_probe.hpp"

namespace netlab::platform {

// BSD stacks answer a RST to a SYN at once and report ICMP errors to connect(); the
// probe's deadline is enforced by the caller.
probe_options set_connect_probe_options(native_socket, std::chrono::milliseconds) { return {}; }

bool connect_settled(native_socket s) {
    pollfd p{};
    p.fd = static_cast<int>(s);
    p.events = POLLOUT;
    return ::poll(&p, 1, 0) > 0 && p.revents != 0;
}

}  // namespace netlab::platform
