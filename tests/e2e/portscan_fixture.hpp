// Shared by the portscan end-to-end tests: listeners the test holds open (accepting and
// closing in the background, so repeated scans never fill a backlog), ports that refuse
// (bound, never listening), blocks of consecutive ports that are all the test's own, and
// netlab's JSON lines. A scan of ports the test owns can neither reach another test's
// listener nor be answered by one.
#pragma once

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <algorithm>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace netlab::test {

// A listener on a thread of its own that accepts every connection and at once closes it:
// with an ordinary close, or with a reset (SO_LINGER 0, then close: the handshake
// completes, then a RST follows, often before the scanner has asked for its connect's
// answer).
class accepting_listener {
public:
    enum class then { close, reset };
    explicit accepting_listener(then action, const std::string& address = "127.0.0.1")
        : action_(action), acceptor_(ctx_, asio::ip::tcp::endpoint(asio::ip::make_address(address), 0)) {
        accept();
        thread_ = std::thread([this] { ctx_.run(); });
    }
    ~accepting_listener() {
        ctx_.stop();
        thread_.join();
    }
    accepting_listener(const accepting_listener&) = delete;
    accepting_listener& operator=(const accepting_listener&) = delete;
    unsigned short port() const { return acceptor_.local_endpoint().port(); }

private:
    void accept() {
        acceptor_.async_accept([this](const std::error_code& ec, asio::ip::tcp::socket s) {
            if (ec == asio::error::operation_aborted) return;
            std::error_code ignored;
            if (action_ == then::reset) s.set_option(asio::socket_base::linger(true, 0), ignored);
            s.close(ignored);
            accept();
        });
    }
    then action_;
    asio::io_context ctx_;
    asio::ip::tcp::acceptor acceptor_;
    std::thread thread_;
};

// A service that answers: accepts and closes.
struct held_listener : accepting_listener {
    explicit held_listener(const std::string& address = "127.0.0.1") : accepting_listener(then::close, address) {}
};

// A service that accepts each connection and resets it at once.
struct resetting_listener : accepting_listener {
    resetting_listener() : accepting_listener(then::reset) {}
};

// A listener that never accepts on its own (a service still starting): completed
// connections wait in its accept queue of `backlog` (0: the smallest the OS allows) until
// take_queued() accepts them, which counts the connections made since it last did.
class idle_listener {
public:
    explicit idle_listener(int backlog) : acceptor_(ctx_, asio::ip::tcp::v4()) {
        acceptor_.bind({asio::ip::make_address("127.0.0.1"), 0});
        acceptor_.listen(backlog);
        acceptor_.non_blocking(true);
    }
    unsigned short port() const { return acceptor_.local_endpoint().port(); }
    // Accepts (and closes) everything queued now. A scan's connections are queued before
    // the scan learns its connect succeeded: once it has exited, all of them are here.
    int take_queued() {
        int n = 0;
        for (;;) {
            std::error_code ec;
            asio::ip::tcp::socket s(ctx_);
            acceptor_.accept(s, ec);
            if (ec) return n;
            ++n;
        }
    }

private:
    asio::io_context ctx_;
    asio::ip::tcp::acceptor acceptor_;
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

// Ports bound on loopback addresses and held for the test, every one refusing connects
// except those made listeners (accepting and closing in the background). While bound, the
// OS gives these ports to nobody else, not even as a connection's source port. Not port
// 0: a block of consecutive ports is tried at random until one is free.
class owned_ports {
public:
    // `count` consecutive ports on `address`.
    static std::unique_ptr<owned_ports> block(int count, const std::string& address = "127.0.0.1") {
        return find([&](owned_ports& o, unsigned short first) {
            for (int i = 0; i < count; ++i)
                if (!o.bind(address, static_cast<unsigned short>(first + i))) return false;
            return true;
        }, count);
    }
    // One port number on each of `addresses`.
    static std::unique_ptr<owned_ports> same_port_on(const std::vector<std::string>& addresses) {
        return find([&](owned_ports& o, unsigned short port) {
            for (const auto& a : addresses)
                if (!o.bind(a, port)) return false;
            return true;
        }, 1);
    }
    ~owned_ports() {
        ctx_.stop();
        if (thread_.joinable()) thread_.join();
    }
    owned_ports(const owned_ports&) = delete;
    owned_ports& operator=(const owned_ports&) = delete;

    unsigned short port(std::size_t i = 0) const { return sockets_.at(i)->local_endpoint().port(); }
    std::string address(std::size_t i) const { return sockets_.at(i)->local_endpoint().address().to_string(); }
    // Makes socket i a listener. Before the first scan: the accepting thread starts here.
    void listen(std::size_t i) {
        sockets_.at(i)->listen();
        accept(*sockets_.at(i));
        if (!thread_.joinable()) thread_ = std::thread([this] { ctx_.run(); });
    }

private:
    owned_ports() = default;

    // Blocks are sought below the ephemeral range (Linux: ip_local_port_range, 32768
    // up by default), where no test's port-0 listener or connection lands: in the range,
    // the TIME_WAIT sockets a busy test run leaves make a free run of 200 ports rare.
    template <class Bind>
    static std::unique_ptr<owned_ports> find(const Bind& bind_all, int count) {
        int ephemeral_low = 32768;
        std::ifstream("/proc/sys/net/ipv4/ip_local_port_range") >> ephemeral_low;
        const int low = 10000, high = std::max(low + 1000, ephemeral_low) - count;
        std::mt19937 pick(std::random_device{}());
        for (int attempt = 0; attempt < 100; ++attempt) {
            std::unique_ptr<owned_ports> o(new owned_ports);
            const int first = std::uniform_int_distribution<int>(low, high)(pick);
            if (bind_all(*o, static_cast<unsigned short>(first))) return o;
        }
        throw std::runtime_error("no free block of loopback ports in 100 tries");
    }

    bool bind(const std::string& address, unsigned short port) {
        auto a = std::make_unique<asio::ip::tcp::acceptor>(ctx_);
        std::error_code ec;
        const asio::ip::tcp::endpoint ep(asio::ip::make_address(address), port);
        a->open(ep.protocol(), ec);
        if (!ec) a->bind(ep, ec);
        if (ec) return false;
        sockets_.push_back(std::move(a));
        return true;
    }

    void accept(asio::ip::tcp::acceptor& a) {
        a.async_accept([this, &a](const std::error_code& ec, asio::ip::tcp::socket s) {
            if (ec == asio::error::operation_aborted) return;
            std::error_code ignored;
            s.close(ignored);
            accept(a);
        });
    }

    asio::io_context ctx_;
    std::vector<std::unique_ptr<asio::ip::tcp::acceptor>> sockets_;
    std::thread thread_;
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
