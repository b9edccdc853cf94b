#include <doctest/doctest.h>

#include <thread>

#include "unit/server/site_fixture.hpp"

using netlab::test::get;
using netlab::test::site_fixture;

TEST_CASE("a cached file is served from memory on the next request") {
    site_fixture s;
    s.write("a.txt", "one");
    CHECK(s.ask(get("/a.txt")).body == "one");
    CHECK(s.cache().size() == 1);
    auto& again = s.ask(get("/a.txt"));
    CHECK(again.body == "one");
    CHECK(again.body_keeper != nullptr);
}

TEST_CASE("a changed file is never served stale from the cache") {
    site_fixture s;
    s.write("a.txt", "one");
    CHECK(s.ask(get("/a.txt")).body == "one");
    s.write("a.txt", "two, longer");
    CHECK(s.ask(get("/a.txt")).body == "two, longer");
}

TEST_CASE("a deleted file is 404 even after it was cached") {
    site_fixture s;
    s.write("a.txt", "one");
    CHECK(s.ask(get("/a.txt")).status == 200);
    std::filesystem::remove(s.www() / "a.txt");
    CHECK(s.ask(get("/a.txt")).status == 404);
}

TEST_CASE("a file above the cache limit is sent from disk") {
    site_fixture s;
    s.write("big.bin", std::string(300 * 1024, 'x'));
    auto& r = s.ask(get("/big.bin"));
    CHECK(r.status == 200);
    REQUIRE(r.file != nullptr);
    CHECK(r.file_length == 300 * 1024);
    CHECK(r.body.empty());
}
