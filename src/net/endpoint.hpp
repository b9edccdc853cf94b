// Endpoints as people read them: "127.0.0.1:8080", "[::1]:8080", for TCP and UDP alike.
// An IPv4 peer that reached a dual-stack socket shows as its IPv4 address, not
// ::ffff:a.b.c.d.
#pragma once

#include <asio/ip/basic_endpoint.hpp>
#include <string>

namespace netlab::net {

asio::ip::address unmapped(const asio::ip::address& a);
std::string to_string(const asio::ip::address& a);
std::string to_string(const asio::ip::address& a, unsigned short port);
template <class Protocol>
std::string to_string(const asio::ip::basic_endpoint<Protocol>& ep) {
    return to_string(ep.address(), ep.port());
}
// "http://127.0.0.1:8080/", "http://[::1]:8080/".
std::string http_url(const asio::ip::address& a, unsigned short port, std::string_view scheme = "http");

}  // namespace netlab::net

namespace netlab::net {

// True for a numeric IPv4 or IPv6 address (for validating --bind before any socket opens).
bool is_ip_address(const std::string& text);

}  // namespace netlab::net
