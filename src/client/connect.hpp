// Name resolution and connecting: every resolved address is tried, and when both
// families exist the attempts race as RFC 8305 (Happy Eyeballs v2) describes. Every
// socket step is traced for --trace.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "net/resolve.hpp"

namespace netlab::client {

using clock = std::chrono::steady_clock;

using net::ip_family;

// RFC 8305 §5: the recommended Connection Attempt Delay.
inline constexpr std::chrono::milliseconds connection_attempt_delay{250};

// RFC 8305 §4: IPv6 first, then alternate families, keeping each family's order.
std::vector<asio::ip::tcp::endpoint> order_for_happy_eyeballs(const std::vector<asio::ip::tcp::endpoint>& endpoints);

using net::family_conflict;

struct resolve_outcome {
    std::error_code error;  // set when nothing usable was found
    bool timed_out = false;
    std::vector<asio::ip::tcp::endpoint> endpoints;  // in Happy Eyeballs order
};

// IP literals and "localhost" (RFC 6761 §6.3: ::1 and 127.0.0.1, as curl does) are
// answered without a resolver; other names go to the system resolver. Addresses of the
// family not wanted are dropped.
asio::awaitable<resolve_outcome> resolve(std::string host, std::uint16_t port, ip_family family,
                                         clock::time_point deadline);

// curl's --resolve HOST:PORT:ADDRESS[,ADDRESS...]: connections to HOST:PORT go to these
// addresses, while the Host header, SNI and certificate checks still use HOST.
struct resolve_override {
    std::string host;  // lower case, IPv6 without brackets
    std::uint16_t port = 0;
    std::vector<asio::ip::address> addresses;
};

// nullopt with `why` (what was wrong, what is expected) for a malformed entry.
std::optional<resolve_override> parse_resolve_override(std::string_view text, std::string& why);

// The entry for host:port, or nullptr.
const resolve_override* find_override(const std::vector<resolve_override>& overrides, std::string_view host,
                                      std::uint16_t port);

struct connect_events {
    std::function<void(const asio::ip::tcp::endpoint&)> trying;
    std::function<void(const asio::ip::tcp::endpoint&, const std::error_code&)> failed;
};

struct connect_outcome {
    std::error_code error;  // the last attempt's failure when none connected
    bool timed_out = false;
    asio::ip::tcp::endpoint endpoint;  // the one that connected
    int attempts = 0;
};

// Connects `out` (closed on entry) to the first of `endpoints` that answers: the next
// attempt starts when the previous fails or connection_attempt_delay has passed, the
// first to connect wins and the others are closed. Gives up at `deadline`.
asio::awaitable<connect_outcome> connect_any(asio::ip::tcp::socket& out,
                                             const std::vector<asio::ip::tcp::endpoint>& endpoints,
                                             clock::time_point deadline, const connect_events& events,
                                             std::chrono::milliseconds attempt_delay = connection_attempt_delay);

}  // namespace netlab::client
