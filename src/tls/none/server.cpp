// The build without TLS: serve-http --tls-* says so.
#include "tls/server.hpp"

namespace netlab::tls {

struct server_context::impl {
    std::string empty;
    certificate_info none;
};
struct server_stream::impl {};

server_context::server_context(std::unique_ptr<impl> i) : impl_(std::move(i)) {}
server_context::~server_context() = default;
const std::string& server_context::fingerprint() const { return impl_->empty; }
const std::string& server_context::certificate_pem() const { return impl_->empty; }
const certificate_info& server_context::certificate() const { return impl_->none; }
server_context::validity server_context::validity_now() const { return validity::valid; }

std::shared_ptr<server_context> server_context::from_files(const std::string&, const std::string&, std::string& why) {
    why = std::string(not_built_message);
    return nullptr;
}
std::shared_ptr<server_context> server_context::self_signed(const std::vector<std::string>&, std::string& why) {
    why = std::string(not_built_message);
    return nullptr;
}

server_stream::server_stream(server_context&, asio::ip::tcp::socket&) : impl_(std::make_unique<impl>()) {}
server_stream::~server_stream() = default;

asio::awaitable<handshake_result> server_stream::handshake() {
    co_return handshake_result{failure::not_built, std::string(not_built_message), {}, {}};
}
asio::awaitable<io_result> server_stream::read_some(asio::mutable_buffer) {
    co_return io_result{std::make_error_code(std::errc::not_supported), 0};
}
asio::awaitable<io_result> server_stream::write_some(std::span<const asio::const_buffer>) {
    co_return io_result{std::make_error_code(std::errc::not_supported), 0};
}
asio::awaitable<io_result> server_stream::write(std::span<const asio::const_buffer>) {
    co_return io_result{std::make_error_code(std::errc::not_supported), 0};
}

}  // namespace netlab::tls
