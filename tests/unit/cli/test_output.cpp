#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "cli/output.hpp"

using netlab::cli::global_options;
using netlab::cli::json_object;
using netlab::cli::output;

namespace {

std::string read_all(std::FILE* f) {
    std::rewind(f);
    std::string s;
    char buf[256];
    while (const auto n = std::fread(buf, 1, sizeof buf, f)) s.append(buf, n);
    return s;
}

struct captured {
    std::FILE* out = std::tmpfile();
    std::FILE* err = std::tmpfile();
    ~captured() {
        std::fclose(out);
        std::fclose(err);
    }
};

}  // namespace

TEST_CASE("json mode prints one object per line and no human text") {
    captured c;
    global_options g;
    g.json = true;
    output o(g, c.out, c.err);
    o.event(json_object{}.add("event", "a"), "human a");
    o.note("a note");
    o.result(json_object{}.add("event", "b"), "human b");
    CHECK(read_all(c.out) == "{\"event\":\"a\"}\n{\"event\":\"b\"}\n");
    CHECK(read_all(c.err).empty());
}

TEST_CASE("human mode prints text, quiet keeps only results and errors") {
    captured c;
    global_options g;
    g.quiet = true;
    g.color = netlab::platform::color_mode::never;
    output o(g, c.out, c.err);
    o.event(json_object{}, "event text");
    o.note("note text");
    o.result(json_object{}, "result text");
    o.error("bad thing");
    CHECK(read_all(c.out) == "result text\n");
    CHECK(read_all(c.err) == "netlab: bad thing\n");
}

TEST_CASE("colour is applied only when asked for") {
    captured c;
    global_options g;
    g.color = netlab::platform::color_mode::always;
    output coloured(g, c.out, c.err);
    CHECK(coloured.paint("x", netlab::cli::style::red) == "\x1b[31mx\x1b[0m");
    g.color = netlab::platform::color_mode::never;
    output plain(g, c.out, c.err);
    CHECK(plain.paint("x", netlab::cli::style::red) == "x");
}

TEST_CASE("verbose detail appears only at its level") {
    captured c;
    global_options g;
    g.verbose = 1;
    output o(g, c.out, c.err);
    o.detail(1, "one");
    o.detail(2, "two");
    CHECK(read_all(c.err) == "one\n");
}
