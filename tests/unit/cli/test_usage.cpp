// The pre-scan that blames the right word, on a small app shaped like netlab's.
#include <doctest/doctest.h>

#include <CLI/CLI.hpp>

#include "cli/usage.hpp"
#include "cli/validators.hpp"

using netlab::cli::describe_parse_error;
using netlab::cli::find_unknown_word;

namespace {

struct test_app {
    CLI::App app{"test", "netlab"};
    bool json = false, silent = false, show = false;
    std::string dir, output, url;
    int port = 8080, redirs = 50;
    test_app() {
        app.fallthrough();
        app.add_flag("--json", json);
        auto* serve = app.add_subcommand("serve-http");
        serve->add_option("DIR", dir)->check(netlab::cli::existing_folder());
        serve->add_option("-p,--port", port)->check(netlab::cli::whole_number(0, 65535));
        auto* get = app.add_subcommand("get");
        get->add_option("URL", url)->required();
        get->add_option("-o,--output", output)->option_text("FILE");
        get->add_flag("-s,--silent", silent);
        get->add_flag("-S,--show-error", show);
        get->add_option("--max-redirs", redirs);
    }
    std::optional<netlab::cli::usage_problem> scan(std::vector<std::string> args) {
        return find_unknown_word(app, args);
    }
    std::string parse_error(std::vector<std::string> args) {
        std::reverse(args.begin(), args.end());
        try {
            app.parse(args);
        } catch (const CLI::ParseError& e) {
            return describe_parse_error(e, app).message;
        }
        return "";
    }
};

}  // namespace

TEST_CASE("an unknown option is blamed before the arguments are read") {
    test_app t;
    const auto p = t.scan({"serve-http", "--prot", "9000", "."});
    REQUIRE(p);
    CHECK(p->message == "unknown option '--prot' for serve-http; did you mean '--port'?");
    CHECK(p->subcommand == "serve-http");
}

TEST_CASE("an unknown global option before the subcommand is blamed, not the missing URL") {
    test_app t;
    const auto p = t.scan({"--jsn", "get"});
    REQUIRE(p);
    CHECK(p->message == "unknown option '--jsn'; did you mean '--json'?");
    CHECK(p->subcommand.empty());
}

TEST_CASE("an unknown short option in a cluster or before a URL is named") {
    test_app t;
    REQUIRE(t.scan({"get", "-u", "a:b", "http://x/"}));
    CHECK(t.scan({"get", "-u", "a:b", "http://x/"})->message == "unknown option '-u' for get");
    REQUIRE(t.scan({"get", "-sx", "http://x/"}));
    CHECK(t.scan({"get", "-sx", "http://x/"})->message == "unknown option '-x' for get");
}

TEST_CASE("known words pass: values, clusters, --opt=value, global options after the subcommand, --") {
    test_app t;
    CHECK_FALSE(t.scan({"get", "-sS", "-o", "-", "--max-redirs", "-1", "http://x/", "--json"}));
    CHECK_FALSE(t.scan({"get", "-ofile", "--output=x", "http://x/"}));
    CHECK_FALSE(t.scan({"get", "--", "--not-an-option"}));
    CHECK_FALSE(t.scan({"--json", "serve-http", "-p", "0"}));
}

TEST_CASE("a subcommand's option before the subcommand is unknown there") {
    test_app t;
    REQUIRE(t.scan({"--port", "0", "serve-http"}));
}

TEST_CASE("an unknown subcommand gets a suggestion, or the list when nothing is close") {
    test_app t;
    CHECK(t.scan({"serve-htp"})->message == "unknown subcommand 'serve-htp'; did you mean 'serve-http'?");
    CHECK(t.scan({"bogus"})->message == "unknown subcommand 'bogus'; expected one of: serve-http, get");
}

TEST_CASE("CLI11's refusals are reworded") {
    test_app t;
    CHECK(t.parse_error({"get"}) == "missing URL");
    test_app t2;
    CHECK(t2.parse_error({"get", "http://x/", "-o"}) == "--output needs FILE after it");
    test_app t3;
    CHECK(t3.parse_error({"serve-http", "-p", "abc"}) == "--port must be a whole number from 0 to 65535, not 'abc'");
    test_app t5;
    CHECK(t5.parse_error({"get", "http://x/", "-o", "a", "-o", "b"}) == "--output was given 2 times; it takes one value");
    test_app t4;
    CHECK(t4.parse_error({"serve-http", ".", "extra"}) == "unexpected argument 'extra'");
}
