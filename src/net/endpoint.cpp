#include "net/endpoint.hpp"

#include <fmt/format.h>

namespace netlab::net {

asio::ip::address unmapped(const asio::ip::address& a) {
    if (a.is_v6() && a.to_v6().is_v4_mapped()) return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
    return a;
}

std::string to_string(const asio::ip::address& a) { return unmapped(a).to_string(); }

std::string to_string(const asio::ip::address& address, unsigned short port) {
    const auto a = unmapped(address);
    if (a.is_v6()) return fmt::format("[{}]:{}", a.to_string(), port);
    return fmt::format("{}:{}", a.to_string(), port);
}

std::string http_url(const asio::ip::address& a, unsigned short port, std::string_view scheme) {
    return fmt::format("{}://{}/", scheme, to_string(a, port));
}

}  // namespace netlab::net

namespace netlab::net {

bool is_ip_address(const std::string& text) {
    std::error_code ec;
    asio::ip::make_address(text, ec);
    return !ec;
}

}  // namespace netlab::net
