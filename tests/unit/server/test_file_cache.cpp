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

TEST_CASE("an entry describes the file that was opened, even when another is renamed over its path meanwhile") {
    site_fixture s;
    s.write("a.txt", "version one");
    s.write("b.txt", "version two, longer");
    const auto path = s.www() / "a.txt";
    std::error_code ec;
    const auto opened = netlab::platform::read_only_file::open(path, ec);
    REQUIRE_FALSE(ec);
    std::filesystem::rename(s.www() / "b.txt", path, ec);  // an editor or rsync saving
    if (ec) {
        MESSAGE("this OS does not let an open file be renamed over (" << ec.message() << "): nothing to race");
        return;
    }
    netlab::server::file_cache cache(1024, 1024 * 1024);
    const auto entry = cache.entry_for("/a.txt", path, opened, ec);
    REQUIRE(entry != nullptr);
    CHECK(entry->content == "version one");
    CHECK(entry->status.size == 11);
    CHECK(entry->etag.rfind("\"b-", 0) == 0);  // the size in the tag is the opened file's
    CHECK(entry->headers.find(entry->etag) != std::string::npos);
}

TEST_CASE("a big file renamed over is served from the new handle with the new validators") {
    site_fixture s;
    s.write("big.bin", std::string(300 * 1024, 'x'));
    s.write("next.bin", std::string(400 * 1024, 'y'));
    auto& first = s.ask(get("/big.bin"));
    REQUIRE(first.file != nullptr);
    const std::string first_head = first.head;
    s.ask(get("/none"));  // lets the first file go: Windows renames nothing over an open file
    std::filesystem::rename(s.www() / "next.bin", s.www() / "big.bin");
    auto& second = s.ask(get("/big.bin"));
    REQUIRE(second.file != nullptr);
    CHECK(second.file->size() == 400 * 1024);
    CHECK(second.file_length == 400 * 1024);
    CHECK(second.head.find("Content-Length: 409600\r\n") != std::string::npos);
    CHECK(second.head.find("ETag: \"64000-") != std::string::npos);
    CHECK(first_head.find("ETag: \"4b000-") != std::string::npos);
}
