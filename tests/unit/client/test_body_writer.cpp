#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "client/body_writer.hpp"
#include "scratch_dir.hpp"

using namespace netlab::client;
using netlab::test::scratch_dir;
using namespace std::chrono_literals;

namespace {

bool wait_done(const body_writer& w) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!w.done() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
    return w.done();
}

}  // namespace

TEST_CASE("the writer writes heads and body in the order queued, then finishes the file") {
    scratch_dir dir;
    const auto path = dir.file("out.bin");
    std::atomic<int> wakes{0};
    {
        body_writer w(body_sink::file(path), 1024, [&] { ++wakes; });
        w.write_head("HTTP/1.1 302 Found\r\n\r\n");
        w.write_head("HTTP/1.1 200 OK\r\n\r\n");
        for (char c = 'a'; c <= 'z'; ++c) w.write(std::string(100, c));
        w.finish();
        REQUIRE(wait_done(w));
        CHECK_FALSE(w.error());
        CHECK(w.has_room());
    }
    std::string expected = "HTTP/1.1 302 Found\r\n\r\nHTTP/1.1 200 OK\r\n\r\n";
    for (char c = 'a'; c <= 'z'; ++c) expected += std::string(100, c);
    CHECK(scratch_dir::read(path) == expected);
    CHECK(wakes > 0);  // the transfer hears of the finish
}

TEST_CASE("a whole buffer is written without a copy: its first bytes only, and a buffer of the same size comes back") {
    scratch_dir dir;
    const auto path = dir.file("out.bin");
    {
        body_writer w(body_sink::file(path), 1 << 20, [] {});
        std::string buffer(1000, 'x');
        buffer.replace(0, 3, "abc");
        const char* memory = buffer.data();
        std::string next = w.write_buffer(std::move(buffer), 3);
        CHECK(next.size() == 1000);
        CHECK(next.data() != memory);  // the first buffer is the writer's now
        next.replace(0, 2, "de");
        next = w.write_buffer(std::move(next), 2);
        w.write("f");
        w.finish();
        REQUIRE(wait_done(w));
        CHECK_FALSE(w.error());
    }
    CHECK(scratch_dir::read(path) == "abcdef");
}

TEST_CASE("the owner is woken when it waits for room, not for every block written") {
    std::atomic<int> wakes{0};
    body_writer w(body_sink::discard(), 1000, [&] { ++wakes; });
    for (int i = 0; i < 50; ++i) w.write(std::string(10, 'x'));  // under the capacity: nobody waits
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!w.has_room() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
    std::this_thread::sleep_for(20ms);
    CHECK(wakes == 0);
    w.write(std::string(2000, 'y'));  // over the capacity: the owner asks, is told no, and waits
    if (!w.has_room()) {
        while (wakes == 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
        CHECK(wakes == 1);
    }
    w.finish();
    REQUIRE(wait_done(w));
}

TEST_CASE("the writer finishes an empty body: the file exists") {
    scratch_dir dir;
    const auto path = dir.file("empty");
    body_writer w(body_sink::file(path), 1024, [] {});
    w.finish();
    REQUIRE(wait_done(w));
    CHECK_FALSE(w.error());
    CHECK(std::filesystem::exists(path));
}

TEST_CASE("a sink that fails is reported with its reason, later bytes are dropped") {
    scratch_dir dir;
    const auto path = dir.file("no/such/folder/out.bin");
    body_writer w(body_sink::file(path), 1024, [] {});
    w.write("body");
    REQUIRE(wait_done(w));
    REQUIRE(w.error());
    CHECK(*w.error() == "cannot create " + path + ": no such folder");
    w.write("more");  // dropped, never blocks
    CHECK(w.has_room());
    CHECK(w.wait_written(std::chrono::steady_clock::now() + 1s));
}

TEST_CASE("wait_written returns once every queued byte is written, without finishing") {
    scratch_dir dir;
    const auto path = dir.file("partial");
    body_writer w(body_sink::file(path), 1 << 20, [] {});
    w.write(std::string(300 * 1024, 'p'));
    CHECK(w.wait_written(std::nullopt));
    CHECK(std::filesystem::file_size(path) == 300 * 1024);
    CHECK_FALSE(w.done());  // a partial body is not finished
}

TEST_CASE("a writer dropped before the end does not create the file it never wrote to") {
    scratch_dir dir;
    const auto path = dir.file("never");
    { body_writer w(body_sink::file(path), 1024, [] {}); }
    CHECK_FALSE(std::filesystem::exists(path));
}
