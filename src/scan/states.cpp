#include "scan/states.hpp"

namespace netlab::scan {

std::string_view state_name(port_state s) {
    switch (s) {
        case port_state::open: return "open";
        case port_state::closed: return "closed";
        case port_state::filtered: return "filtered";
    }
    return "filtered";
}

verdict judge(platform::error_kind outcome, bool self_connected) {
    using platform::error_kind;
    switch (outcome) {
        case error_kind::none:
        case error_kind::reset: return self_connected ? verdict::closed : verdict::open;
        case error_kind::refused: return verdict::closed;
        case error_kind::timed_out:
        case error_kind::host_unreachable:
        case error_kind::network_unreachable:
        case error_kind::access_denied: return verdict::filtered;
        case error_kind::address_not_available:  // ephemeral ports exhausted
        case error_kind::address_in_use:         // the same, as some stacks say it
        case error_kind::too_many_open_files:
        case error_kind::no_buffer_space:
        case error_kind::would_block: return verdict::local_shortage;
        default: return verdict::fatal;
    }
}

}  // namespace netlab::scan
