#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "client/body_sink.hpp"
#include "scratch_dir.hpp"

using namespace netlab::client;
using netlab::test::scratch_dir;

namespace {

// A stream on a file of the scratch folder, read back after the sink is done.
struct captured_stream {
    explicit captured_stream(const scratch_dir& dir, const char* mode = "wb")
        : path(dir.file("stream")), f(std::fopen(path.c_str(), mode)) {}
    ~captured_stream() {
        if (f != nullptr) std::fclose(f);
    }
    std::string text() {
        std::fflush(f);
        return scratch_dir::read(path);
    }
    std::string path;
    std::FILE* f;
};

}  // namespace

TEST_CASE("-o: the file is created at the first byte and holds the body") {
    scratch_dir dir;
    const auto path = dir.file("out.bin");
    auto sink = body_sink::file(path);
    CHECK_FALSE(std::filesystem::exists(path));
    CHECK(sink.write_head("HTTP/1.1 200 OK\r\n\r\n"));
    CHECK(sink.write(std::string("a\0b", 3)));  // a file takes any bytes
    CHECK(std::filesystem::exists(path));
    CHECK(sink.finish());
    CHECK(scratch_dir::read(path) == std::string("HTTP/1.1 200 OK\r\n\r\na\0b", 22));
}

TEST_CASE("-o: an empty body still creates the file, a transfer that failed creates none") {
    scratch_dir dir;
    {
        auto sink = body_sink::file(dir.file("empty"));
        CHECK(sink.finish());
    }
    CHECK(std::filesystem::exists(dir.file("empty")));
    CHECK(std::filesystem::file_size(dir.file("empty")) == 0);
    { auto sink = body_sink::file(dir.file("never")); }
    CHECK_FALSE(std::filesystem::exists(dir.file("never")));
}

TEST_CASE("-o: a file that cannot be created is named with the reason") {
    scratch_dir dir;
    const auto missing = dir.file("no/such/folder/y.json");
    auto sink = body_sink::file(missing);
    CHECK_FALSE(sink.write("x"));
    CHECK(sink.error() == "cannot create " + missing + ": no such folder");
    CHECK_FALSE(sink.finish());  // still failed, the reason kept
    CHECK(sink.error() == "cannot create " + missing + ": no such folder");

    auto onto_folder = body_sink::file(dir.path().string());
    CHECK_FALSE(onto_folder.finish());
    CHECK(onto_folder.error() == "cannot create " + dir.path().string() + ": is a directory");  // on every OS
}

TEST_CASE("to a terminal, a body with a NUL byte at its start is refused as curl does") {
    scratch_dir dir;
    captured_stream s(dir);
    auto sink = body_sink::stream(s.f, "stdout", true);
    CHECK(sink.write_head("HTTP/1.1 200 OK\r\n\r\n"));
    CHECK(sink.write("text first, "));
    CHECK_FALSE(sink.write(std::string("\x89PNG\0\0", 6)));
    CHECK(sink.error() == binary_to_terminal_message);
    CHECK(s.text() == "HTTP/1.1 200 OK\r\n\r\ntext first, ");  // nothing of the binary block
    CHECK_FALSE(sink.write("more"));
}

TEST_CASE("only the first bytes are looked at, and not at all unless asked") {
    scratch_dir dir;
    {
        captured_stream s(dir);
        auto sink = body_sink::stream(s.f, "stdout", true);
        CHECK(sink.write(std::string(binary_check_bytes, 'x')));
        CHECK(sink.write(std::string("\0", 1)));  // past curl's window
        CHECK(sink.finish());
    }
    captured_stream s(dir);
    auto sink = body_sink::stream(s.f, "stdout", false);  // -o -, or not a terminal
    CHECK(sink.write(std::string("\0\1\2", 3)));
    CHECK(sink.finish());
    CHECK(s.text() == std::string("\0\1\2", 3));
}

TEST_CASE("a stream that cannot be written says which one") {
    scratch_dir dir;
    dir.write("stream", "");
    captured_stream s(dir, "rb");
    auto sink = body_sink::stream(s.f, "stdout", false);
    CHECK_FALSE(sink.write("x"));
    CHECK(sink.error().starts_with("cannot write to stdout: "));
}

TEST_CASE("discard takes everything, writes nothing") {
    auto sink = body_sink::discard();
    CHECK(sink.write(std::string("\0", 1)));
    CHECK(sink.finish());
    CHECK(sink.error().empty());
}

TEST_CASE("a NUL byte anywhere makes a block binary") {
    CHECK(looks_binary(std::string("ab\0", 3)));
    CHECK_FALSE(looks_binary("plain text\r\n\t\x1b[1m"));
    CHECK_FALSE(looks_binary(""));
}
