// Shared by the portscan end-to-end tests: listeners the test holds open (accepting and
// closing in the background, so repeated scans never fill a backlog), ports that refuse
// (bound, never listening), and netlab's JSON lines.
#pragma once

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace netlab::test {

class held_listener {
public:
    explicit held_listener(const std::string& address = "127.0.0.1")
        : acceptor_(ctx_, asio::ip::tcp::endpoint(asio::ip::make_address(address), 0)) {
        accept();
        thread_ = std::thread([this] { ctx_.run(); });
    }
    ~held_listener() {
        ctx_.stop();
        thread_.join();
    }
    held_listener(const held_listener&) = delete;
    held_listener& operator=(const held_listener&) = delete;
    unsigned short port() const { return acceptor_.local_endpoint().port(); }

private:
    void accept() {
        acceptor_.async_accept([this](const std::error_code& ec, asio::ip::tcp::socket s) {
            if (ec == asio::error::operation_aborted) return;
            std::error_code ignored;
            s.close(ignored);
            accept();
        });
    }
    asio::io_context ctx_;
    asio::ip::tcp::acceptor acceptor_;
    std::thread thread_;
};

// A port that refuses connects for as long as this lives: bound, never listening.
class refusing_port {
public:
    explicit refusing_port(const std::string& address = "127.0.0.1")
        : socket_(ctx_, asio::ip::tcp::endpoint(asio::ip::make_address(address), 0)) {}
    unsigned short port() const { return socket_.local_endpoint().port(); }

private:
    asio::io_context ctx_;
    asio::ip::tcp::socket socket_;
};

inline std::vector<nlohmann::json> json_lines(const std::string& out) {
    std::vector<nlohmann::json> v;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) v.push_back(nlohmann::json::parse(line));
    return v;
}

inline std::vector<nlohmann::json> events(const std::string& out, const std::string& name) {
    std::vector<nlohmann::json> v;
    for (auto& j : json_lines(out))
        if (j["event"] == name) v.push_back(j);
    return v;
}

inline bool ipv6_loopback_available() {
    asio::io_context ctx;
    asio::ip::tcp::acceptor a(ctx);
    std::error_code ec;
    a.open(asio::ip::tcp::v6(), ec);
    if (!ec) a.bind({asio::ip::address_v6::loopback(), 0}, ec);
    return !ec;
}

}  // namespace netlab::test
