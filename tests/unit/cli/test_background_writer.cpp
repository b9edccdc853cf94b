#include <doctest/doctest.h>

#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <system_error>

#include "cli/background_writer.hpp"

using netlab::cli::background_writer;

namespace {

std::string read_all(std::FILE* f) {
    std::rewind(f);
    std::string s;
    char buf[256];
    while (const auto n = std::fread(buf, 1, sizeof buf, f)) s.append(buf, n);
    return s;
}

struct files {
    std::FILE* out = std::tmpfile();
    std::FILE* err = std::tmpfile();
    ~files() {
        std::fclose(out);
        std::fclose(err);
    }
};

std::string notice(background_writer::stream s, std::uint64_t n) {
    return (s == background_writer::stream::out ? "out lost " : "err lost ") + std::to_string(n);
}

}  // namespace

TEST_CASE("lines reach their streams in order") {
    files f;
    {
        background_writer w(f.out, f.err, 1024, notice);
        CHECK(w.write_line(background_writer::stream::out, "one"));
        CHECK(w.write_line(background_writer::stream::err, "warning"));
        CHECK(w.write_line(background_writer::stream::out, "two"));
        CHECK(w.flush(std::chrono::seconds(5)));
        CHECK(w.dropped() == 0);
    }
    CHECK(read_all(f.out) == "one\ntwo\n");
    CHECK(read_all(f.err) == "warning\n");
}

TEST_CASE("stdout and stderr lines keep their order where both streams go to one place, as in a terminal") {
    files f;
    {
        // A trace line (stderr) comes before the access-log line (stdout) of its request.
        background_writer w(f.out, f.out, 1024, notice);
        CHECK(w.write_line(background_writer::stream::err, "trace accept"));
        CHECK(w.write_line(background_writer::stream::out, "GET / 200"));
        CHECK(w.write_line(background_writer::stream::err, "trace close"));
        CHECK(w.flush(std::chrono::seconds(5)));
    }
    CHECK(read_all(f.out) == "trace accept\nGET / 200\ntrace close\n");
}

TEST_CASE("a line the queue cannot hold is dropped, counted, and announced before the next that gets through") {
    files f;
    {
        background_writer w(f.out, f.err, 200, notice);
        const std::string too_long(300, 'x');
        CHECK_FALSE(w.write_line(background_writer::stream::out, too_long));
        CHECK_FALSE(w.write_line(background_writer::stream::out, too_long));
        CHECK(w.dropped() == 2);
        CHECK(w.write_line(background_writer::stream::err, "err is not affected"));
        CHECK(w.write_line(background_writer::stream::out, "next"));
        CHECK(w.write_line(background_writer::stream::out, "and the one after"));
        CHECK(w.flush(std::chrono::seconds(5)));
        CHECK(w.dropped() == 2);
    }
    CHECK(read_all(f.out) == "out lost 2\nnext\nand the one after\n");
    CHECK(read_all(f.err) == "err is not affected\n");
}

TEST_CASE("what is queued when the writer goes away is written first") {
    files f;
    {
        background_writer w(f.out, f.err, 1 << 20, notice);
        for (int i = 0; i < 1000; ++i) w.write_line(background_writer::stream::out, "line " + std::to_string(i));
    }
    const auto text = read_all(f.out);
    CHECK(text.rfind("line 0\nline 1\n", 0) == 0);
    CHECK(text.size() > 1000 * 7);
    CHECK(text.substr(text.size() - 9) == "line 999\n");
}

TEST_CASE("a kept line (a run's summary) is queued even when the queue is full") {
    files f;
    {
        background_writer w(f.out, f.err, 200, notice);
        const std::string too_long(300, 'x');
        CHECK_FALSE(w.write_line(background_writer::stream::out, too_long));
        CHECK(w.write_line(background_writer::stream::out, "summary", true));
        CHECK(w.flush(std::chrono::seconds(5)));
        CHECK(w.dropped() == 1);
    }
    CHECK(read_all(f.out) == "out lost 1\nsummary\n");
}

TEST_CASE("a stream that cannot be written is reported once, with why, and its lines are dropped") {
    // Open for reading only: every write fails (EBADF; on Windows access denied), as one
    // to a pipe whose reader has gone does (udp-listen's e2e tests cover that case).
    const auto path = std::filesystem::temp_directory_path() / "netlab-background-writer-read-only.txt";
    std::ofstream(path) << "x";
    std::FILE* out = std::fopen(path.string().c_str(), "rb");
    REQUIRE(out != nullptr);
    files f;
    std::mutex m;
    std::condition_variable told;
    int calls = 0;
    std::error_code got;
    {
        background_writer w(out, f.err, 1024, notice);
        w.on_failure([&](background_writer::stream s, const std::error_code& ec) {
            CHECK(s == background_writer::stream::out);
            std::lock_guard lock(m);
            ++calls;
            got = ec;
            told.notify_all();
        });
        w.write_line(background_writer::stream::out, "lost");
        {
            std::unique_lock lock(m);
            REQUIRE(told.wait_for(lock, std::chrono::seconds(5), [&] { return calls > 0; }));
        }
        CHECK_FALSE(w.write_line(background_writer::stream::out, "also lost"));
        CHECK(w.write_line(background_writer::stream::err, "stderr still works"));
        CHECK(w.flush(std::chrono::seconds(5)));
        // Set again after the failure: told at once; unset: never again.
        w.on_failure([&](background_writer::stream, const std::error_code&) { ++calls; });
        w.on_failure(nullptr);
    }
    std::fclose(out);
    std::filesystem::remove(path);
    CHECK(calls == 2);
    CHECK(static_cast<bool>(got));
    CHECK(read_all(f.err) == "stderr still works\n");
}
