// Connecting: address order (RFC 8305 §4) and the race (§5), against loopback listeners:
// one that refuses, one that never answers (full accept queue), one that accepts.
#include <doctest/doctest.h>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/use_future.hpp>
#include <thread>

#include "client/connect.hpp"

using namespace netlab::client;
using asio::ip::tcp;
using namespace std::chrono_literals;

namespace {

tcp::endpoint ep(const char* addr, unsigned short port) { return {asio::ip::make_address(addr), port}; }

unsigned short refused_port(asio::io_context& ctx) {
    tcp::acceptor a(ctx, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    return a.local_endpoint().port();
}

// A listener nobody accepts on, with its queue full, so further SYNs are dropped. The
// filling connects are started on an io_context of its own that never runs (a
// synchronous connect would wait for the SYN that is dropped).
struct silent_listener {
    explicit silent_listener(asio::io_context&) : acceptor(own) {
        acceptor.open(tcp::v4());
        acceptor.bind(tcp::endpoint(asio::ip::address_v4::loopback(), 0));
        acceptor.listen(0);
        for (int i = 0; i < 4; ++i) {
            fillers.emplace_back(own);
            fillers.back().async_connect(tcp::endpoint(asio::ip::address_v4::loopback(), acceptor.local_endpoint().port()),
                                         [](const std::error_code&) {});
        }
        std::this_thread::sleep_for(100ms);
    }
    unsigned short port() const { return acceptor.local_endpoint().port(); }
    asio::io_context own;
    tcp::acceptor acceptor;
    std::vector<tcp::socket> fillers;
};

struct run_outcome {
    connect_outcome result;
    std::vector<tcp::endpoint> tried;
    clock::duration took{};
    bool open = false;
};

run_outcome connect_to(asio::io_context& ctx, const std::vector<tcp::endpoint>& eps, clock::duration budget,
                       std::chrono::milliseconds delay = connection_attempt_delay) {
    run_outcome out;
    tcp::socket s(ctx);
    connect_events ev;
    ev.trying = [&](const tcp::endpoint& e) { out.tried.push_back(e); };
    const auto start = clock::now();
    auto f = asio::co_spawn(ctx, connect_any(s, eps, start + budget, ev, delay), asio::use_future);
    ctx.restart();
    ctx.run();
    out.result = f.get();
    out.took = clock::now() - start;
    out.open = s.is_open();
    return out;
}

}  // namespace

TEST_CASE("addresses are ordered IPv6 first, then alternating, duplicates dropped") {
    const auto ordered = order_for_happy_eyeballs(
        {ep("10.0.0.1", 80), ep("10.0.0.2", 80), ep("10.0.0.1", 80), ep("2001:db8::1", 80), ep("2001:db8::2", 80)});
    REQUIRE(ordered.size() == 4);
    CHECK(ordered[0] == ep("2001:db8::1", 80));
    CHECK(ordered[1] == ep("10.0.0.1", 80));
    CHECK(ordered[2] == ep("2001:db8::2", 80));
    CHECK(ordered[3] == ep("10.0.0.2", 80));
}

TEST_CASE("a refused address is followed at once by the next, which connects") {
    asio::io_context ctx;
    tcp::acceptor good(ctx, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    const auto bad = refused_port(ctx);
    const auto r = connect_to(ctx, {ep("127.0.0.1", bad), ep("127.0.0.1", good.local_endpoint().port())}, 5s);
    CHECK_FALSE(r.result.error);
    CHECK(r.result.attempts == 2);
    CHECK(r.result.endpoint.port() == good.local_endpoint().port());
    CHECK(r.open);
    CHECK(r.took < connection_attempt_delay);  // no waiting for the delay after a refusal
}

TEST_CASE("an address that never answers gets a parallel attempt after the attempt delay") {
    asio::io_context ctx;
    silent_listener silent(ctx);
    tcp::acceptor good(ctx, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    const auto r = connect_to(ctx, {ep("127.0.0.1", silent.port()), ep("127.0.0.1", good.local_endpoint().port())}, 5s);
    CHECK_FALSE(r.result.error);
    CHECK(r.result.endpoint.port() == good.local_endpoint().port());
    CHECK(r.tried.size() == 2);
    CHECK(r.took >= connection_attempt_delay - 10ms);
    CHECK(r.took < 3s);
}

TEST_CASE("when every address refuses, the error is the refusal") {
    asio::io_context ctx;
    const auto a = refused_port(ctx);
    const auto b = refused_port(ctx);
    const auto r = connect_to(ctx, {ep("127.0.0.1", a), ep("127.0.0.1", b)}, 5s);
    CHECK(r.result.error == asio::error::connection_refused);
    CHECK_FALSE(r.result.timed_out);
    CHECK(r.result.attempts == 2);
    CHECK_FALSE(r.open);
}

TEST_CASE("an address that never answers times out at the deadline") {
    asio::io_context ctx;
    silent_listener silent(ctx);
    const auto r = connect_to(ctx, {ep("127.0.0.1", silent.port())}, 300ms);
    CHECK(r.result.timed_out);
    CHECK(r.took >= 290ms);
    CHECK(r.took < 3s);
    CHECK_FALSE(r.open);
}

TEST_CASE("IP literals and localhost resolve without a resolver, filtered by family") {
    asio::io_context ctx;
    auto run = [&](std::string host, ip_family fam) {
        auto f = asio::co_spawn(ctx, resolve(std::move(host), 8080, fam, clock::now() + 5s), asio::use_future);
        ctx.restart();
        ctx.run();
        return f.get();
    };
    auto r = run("localhost", ip_family::any);
    REQUIRE(r.endpoints.size() == 2);
    CHECK(r.endpoints[0] == ep("::1", 8080));
    CHECK(r.endpoints[1] == ep("127.0.0.1", 8080));
    r = run("localhost", ip_family::v4);
    REQUIRE(r.endpoints.size() == 1);
    CHECK(r.endpoints[0] == ep("127.0.0.1", 8080));
    r = run("::1", ip_family::v4);
    CHECK(r.error);
    CHECK(r.endpoints.empty());
    r = run("127.0.0.1", ip_family::any);
    CHECK(r.endpoints.size() == 1);
}

TEST_CASE("an IP literal of the other family than -4/-6 ask for is named as such") {
    CHECK(family_conflict("127.0.0.1", ip_family::v6) == "127.0.0.1 is an IPv4 address and -6 asks for IPv6");
    CHECK(family_conflict("::1", ip_family::v4) == "::1 is an IPv6 address and -4 asks for IPv4");
    CHECK(family_conflict("127.0.0.1", ip_family::v4).empty());
    CHECK(family_conflict("::1", ip_family::v6).empty());
    CHECK(family_conflict("127.0.0.1", ip_family::any).empty());
    CHECK(family_conflict("localhost", ip_family::v6).empty());  // a name: the resolver decides
    CHECK(family_conflict("example.invalid", ip_family::v4).empty());
}

TEST_CASE("--resolve entries name host, port and one or more addresses, IPv6 with or without brackets") {
    std::string why;
    const auto a = parse_resolve_override("Example.COM:443:127.0.0.1", why);
    REQUIRE(a);
    CHECK(a->host == "example.com");
    CHECK(a->port == 443);
    REQUIRE(a->addresses.size() == 1);
    CHECK(a->addresses[0] == asio::ip::make_address("127.0.0.1"));
    const auto b = parse_resolve_override("[::1]:8443:[::1],127.0.0.2", why);
    REQUIRE(b);
    CHECK(b->host == "::1");
    CHECK(b->port == 8443);
    REQUIRE(b->addresses.size() == 2);
    CHECK(b->addresses[0].is_v6());
    CHECK(parse_resolve_override("h:80:::1", why)->addresses[0] == asio::ip::make_address("::1"));
}

TEST_CASE("malformed --resolve entries say what is expected") {
    for (const char* bad : {"", "host", "host:443", "host:0:127.0.0.1", "host:70000:127.0.0.1", "host:x:127.0.0.1",
                            ":443:127.0.0.1", "host:443:not-an-address", "host:443:", "[::1:443:::1"}) {
        std::string why;
        CHECK_MESSAGE(!parse_resolve_override(bad, why), bad);
        CHECK(why.find("HOST:PORT:ADDRESS") != std::string::npos);
    }
}

TEST_CASE("an override applies to its host and port only, the host compared without case") {
    std::string why;
    const std::vector<resolve_override> list{*parse_resolve_override("a.test:443:127.0.0.1", why)};
    CHECK(find_override(list, "A.Test", 443) == &list[0]);
    CHECK(find_override(list, "a.test", 80) == nullptr);
    CHECK(find_override(list, "b.test", 443) == nullptr);
}
