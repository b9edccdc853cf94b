#include "net/resolve.hpp"

#include <algorithm>
#include <asio/ip/tcp.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <memory>

#include "net/socket_trace.hpp"

namespace netlab::net {
namespace {

bool wanted(const asio::ip::address& a, ip_family family) {
    if (family == ip_family::v4) return a.is_v4();
    if (family == ip_family::v6) return a.is_v6();
    return true;
}

}  // namespace

const char* const localhost_answer = "loopback by RFC 6761 §6.3, no resolver asked";

std::string family_conflict(const std::string& host, ip_family family) {
    std::error_code ec;
    const auto literal = asio::ip::make_address(host, ec);
    if (ec || wanted(literal, family)) return {};
    return family == ip_family::v6 ? host + " is an IPv4 address and -6 asks for IPv6"
                                   : host + " is an IPv6 address and -4 asks for IPv4";
}

asio::awaitable<resolved_host> resolve_host(std::string host, ip_family family,
                                            std::chrono::steady_clock::time_point deadline) {
    resolved_host out;
    std::vector<asio::ip::address> found;
    std::error_code ec;
    const auto literal = asio::ip::make_address(host, ec);
    // An IP address is no lookup: nothing to trace.
    std::string_view how;
    if (!ec) {
        found.push_back(literal);
    } else if (host == "localhost" || host == "localhost.") {
        found = {asio::ip::address_v6::loopback(), asio::ip::address_v4::loopback()};
        how = localhost_answer;
    } else {
        how = "system resolver";
        // The addresses are the same for every protocol; TCP's resolver asks for them.
        using asio::ip::tcp;
        const auto ex = co_await asio::this_coro::executor;
        tcp::resolver resolver(ex);
        asio::steady_timer timer(ex, deadline);
        auto expired = std::make_shared<bool>(false);
        auto done = std::make_shared<bool>(false);
        timer.async_wait([&resolver, expired, done](const std::error_code& tec) {
            if (tec || *done) return;
            *expired = true;
            resolver.cancel();
        });
        ec.clear();
        tcp::resolver::results_type results;
        if (family == ip_family::any)
            results = co_await resolver.async_resolve(host, "0", tcp::resolver::numeric_service,
                                                      asio::redirect_error(asio::use_awaitable, ec));
        else
            results = co_await resolver.async_resolve(family == ip_family::v4 ? tcp::v4() : tcp::v6(), host, "0",
                                                      tcp::resolver::numeric_service,
                                                      asio::redirect_error(asio::use_awaitable, ec));
        *done = true;
        timer.cancel();
        if (*expired) {
            out.timed_out = true;
            out.error = std::make_error_code(std::errc::timed_out);
            trace_resolve(host, {}, out.error, how);
            co_return out;
        }
        if (ec) {
            out.error = ec;
            trace_resolve(host, {}, out.error, how);
            co_return out;
        }
        for (const auto& r : results) found.push_back(r.endpoint().address());
    }
    for (const auto& a : found)
        if (wanted(a, family) && std::find(out.addresses.begin(), out.addresses.end(), a) == out.addresses.end())
            out.addresses.push_back(a);
    if (out.addresses.empty()) out.error = asio::error::host_not_found;
    if (!how.empty()) trace_resolve(host, out.addresses, out.error, how);
    co_return out;
}

}  // namespace netlab::net
