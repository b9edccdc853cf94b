#include "net/move_socket.hpp"

#include "netlab/platform/socket_options.hpp"

namespace netlab::net {

std::error_code move_socket(asio::ip::tcp::socket& socket, asio::io_context& to) {
    std::error_code ec;
    const auto protocol = socket.local_endpoint(ec).protocol();
    if (ec) return ec;
    const auto handle = socket.release(ec);
    if (ec) return ec;
    asio::ip::tcp::socket moved(to);
    moved.assign(protocol, handle, ec);
    if (ec) {
        std::error_code again;
        socket.assign(protocol, handle, again);
        if (again) platform::close_socket(static_cast<platform::native_socket>(handle));
        return ec;
    }
    socket = std::move(moved);  // the socket object takes `to`'s executor with it
    return {};
}

}  // namespace netlab::net
