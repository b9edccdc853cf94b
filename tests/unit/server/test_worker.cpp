#include <doctest/doctest.h>

#include "unit/server/site_fixture.hpp"
#include "server/worker.hpp"

#include <asio/co_spawn.hpp>
#include <asio/post.hpp>
#include <stdexcept>
#include <string>
#include <vector>

using namespace netlab::server;

TEST_CASE("request states are pooled and come back clean") {
    netlab::test::site_fixture s;
    server_config config;
    config.root = s.www();
    std::error_code ec;
    static_site site(config, ec);
    REQUIRE_FALSE(ec);
    server_events events;
    shared_counters counters;
    worker w(config, events, site, counters);

    auto st = w.acquire_state();
    CHECK(st->buffer.size() == request_state::initial_buffer);  // small, until a head needs more
    while (st->grow(w.max_request_buffer())) {
    }
    CHECK(st->buffer.size() > config.max_head_bytes);  // a whole head fits when grown
    st->used = 10;
    st->res.status = 404;
    auto* first = st.get();
    w.release_state(std::move(st));
    auto again = w.acquire_state();
    CHECK(again.get() == first);
    CHECK(again->used == 0);
    CHECK(again->res.status == 200);
    CHECK(again->buffer.size() == request_state::initial_buffer);  // pooled small again
}

TEST_CASE("an exception escaping a handler or a coroutine is reported and the worker's run loop goes on") {
    netlab::test::site_fixture s;
    server_config config;
    config.root = s.www();
    std::error_code ec;
    static_site site(config, ec);
    REQUIRE_FALSE(ec);
    std::vector<std::string> reported;
    server_events events;
    events.on_internal_error = [&](const std::exception& e) { reported.emplace_back(e.what()); };
    shared_counters counters;
    worker w(config, events, site, counters);

    bool after = false;
    asio::post(w.io, [] { throw std::runtime_error("a bug in a handler"); });
    asio::co_spawn(w.io, []() -> asio::awaitable<void> {
        throw std::logic_error("a bug in a coroutine");
        co_return;
    }, rethrow_to_run_loop);
    asio::post(w.io, [&] { after = true; });
    w.run();
    CHECK(after);
    REQUIRE(reported.size() == 2);
    CHECK(reported[0].find("a bug in a handler") != std::string::npos);
    CHECK(reported[1].find("a bug in a coroutine") != std::string::npos);
}
