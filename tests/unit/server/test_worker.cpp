#include <doctest/doctest.h>

#include "unit/server/site_fixture.hpp"
#include "server/worker.hpp"

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
    CHECK(st->buffer.size() > config.max_head_bytes);  // a whole head always fits
    st->used = 10;
    st->res.status = 404;
    auto* first = st.get();
    w.release_state(std::move(st));
    auto again = w.acquire_state();
    CHECK(again.get() == first);
    CHECK(again->used == 0);
    CHECK(again->res.status == 200);
}
