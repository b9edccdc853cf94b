// Host names to addresses, for any protocol: IP literals and "localhost" (RFC 6761 §6.3:
// ::1 and 127.0.0.1, as curl does) without a resolver, other names through the system
// resolver with a deadline, filtered by family (-4 / -6).
#pragma once

#include <asio/awaitable.hpp>
#include <asio/ip/address.hpp>
#include <chrono>
#include <string>
#include <system_error>
#include <vector>

namespace netlab::net {

enum class ip_family { any, v4, v6 };

struct resolved_host {
    std::error_code error;  // set when nothing usable was found
    bool timed_out = false;
    std::vector<asio::ip::address> addresses;  // the resolver's order, without repeats
};

// When `host` is an IP literal of the other family than -4/-6 ask for, the sentence that
// says so ("127.0.0.1 is an IPv4 address and -6 asks for IPv6"); else empty (names are
// the resolver's to decide).
std::string family_conflict(const std::string& host, ip_family family);

// How a --trace resolve line says "localhost" was answered.
extern const char* const localhost_answer;

// Traced as one resolve step: the name, what it gave, and who answered.
asio::awaitable<resolved_host> resolve_host(std::string host, ip_family family,
                                            std::chrono::steady_clock::time_point deadline);

}  // namespace netlab::net
