// The build without TLS: every TLS step says so.
#include "tls/client.hpp"

namespace netlab::tls {

bool available() { return false; }
std::string library_version() { return {}; }
bool is_certificate_required(const std::error_code&) { return false; }

struct client_context::impl {};
struct client_stream::impl {};

std::unique_ptr<client_context> client_context::create(const client_config&, failure& error, std::string& why) {
    error = failure::not_built;
    why = std::string(not_built_message);
    return nullptr;
}
client_context::client_context(std::unique_ptr<impl> i) : impl_(std::move(i)) {}
client_context::~client_context() = default;

client_stream::client_stream(client_context&, asio::ip::tcp::socket&) : impl_(std::make_unique<impl>()) {}
client_stream::~client_stream() = default;

asio::awaitable<handshake_result> client_stream::handshake(std::string) {
    co_return handshake_result{failure::not_built, std::string(not_built_message), {}, {}};
}
asio::awaitable<io_result> client_stream::read_some(asio::mutable_buffer) {
    co_return io_result{std::make_error_code(std::errc::not_supported), 0};
}
asio::awaitable<io_result> client_stream::write(std::span<const asio::const_buffer>) {
    co_return io_result{std::make_error_code(std::errc::not_supported), 0};
}
io_result client_stream::read_ready(asio::mutable_buffer) { return {make_error_code(asio::error::operation_not_supported), 0}; }

std::error_code client_stream::alert_after_failed_write() { return {}; }

std::size_t client_stream::pending() const { return 0; }

}  // namespace netlab::tls
