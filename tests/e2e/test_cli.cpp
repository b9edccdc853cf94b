// The command-line frame seen from outside: version, help, usage errors.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "support/process.hpp"

using netlab::test::run_netlab;

TEST_CASE("--version names the OS backend and the libraries") {
    const auto r = run_netlab({"--version"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("netlab ") == 0);
    CHECK(r.out.find("asio 1.") != std::string::npos);
    CHECK(r.out.find("CLI11 ") != std::string::npos);
    CHECK(r.out.find("fmt ") != std::string::npos);
    // The TLS library's own words, or that there is none.
    CHECK((r.out.find("OpenSSL 3") != std::string::npos || r.out.find("no TLS") != std::string::npos));
}

TEST_CASE("--version --json is one JSON object") {
    const auto r = run_netlab({"--json", "--version"});
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["event"] == "version");
    CHECK_FALSE(j["io_backend"].get<std::string>().empty());
    CHECK((j["tls"].is_null() || j["tls"].get<std::string>().starts_with("OpenSSL")));
    CHECK(r.out.find('\n') == r.out.size() - 1);
}

TEST_CASE("--help lists the exit codes") {
    const auto r = run_netlab({"--help"});
    INFO("stderr: " << r.err);  // a start that fails (once under wine: exit 1, no output) says why
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("Exit codes") != std::string::npos);
    CHECK(r.out.find("130") != std::string::npos);
}

TEST_CASE("an unknown subcommand is a one-line usage error with exit 2") {
    const auto r = run_netlab({"bogus"});
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("unknown subcommand 'bogus'") != std::string::npos);
    CHECK(r.err.find('\n') == r.err.size() - 1);
    CHECK(r.out.empty());
}

TEST_CASE("an unknown option is a one-line usage error with exit 2") {
    const auto r = run_netlab({"--no-such-option"});
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--no-such-option") != std::string::npos);
    CHECK(r.err.find('\n') == r.err.size() - 1);
}

TEST_CASE("a bad --color value names what is expected") {
    const auto r = run_netlab({"--color", "purple", "--version"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("auto") != std::string::npos);
    CHECK(r.err.find("never") != std::string::npos);
}

namespace {

// A usage error as users must see it: exit 2, nothing on stdout, one line on stderr.
void check_one_line_usage_error(const netlab::test::run_result& r) {
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err.rfind("netlab: ", 0) == 0);
    CHECK(r.err.find('\n') == r.err.size() - 1);
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("mistyped subcommands and options are answered with 'did you mean'") {
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
        {{"serve-htp"}, "did you mean 'serve-http'?"},
        {{"gett", "http://127.0.0.1/"}, "did you mean 'get'?"},
        {{"get", "--outptu", "x", "http://127.0.0.1/"}, "did you mean '--output'?"},
        {{"serve-http", "--prot", "9000"}, "did you mean '--port'?"},
        {{"--jsn", "get"}, "did you mean '--json'?"},
    };
    for (const auto& c : cases) {
        const auto& args = c.first;
        const auto& expected = c.second;
        CAPTURE(expected);
        const auto r = run_netlab(args);
        check_one_line_usage_error(r);
        CHECK(contains(r.err, expected));
    }
}

TEST_CASE("the unknown option is blamed, not the arguments after it") {
    const auto serve = run_netlab({"serve-http", "--prot", "9000", "."});
    check_one_line_usage_error(serve);
    CHECK(contains(serve.err, "unknown option '--prot'"));
    CHECK_FALSE(contains(serve.err, "9000"));

    const auto json = run_netlab({"--jsn", "get"});
    check_one_line_usage_error(json);
    CHECK(contains(json.err, "unknown option '--jsn'"));
    CHECK_FALSE(contains(json.err, "URL"));

    const auto user = run_netlab({"get", "-u", "a:b", "http://127.0.0.1:9/"});
    check_one_line_usage_error(user);
    CHECK(contains(user.err, "unknown option '-u'"));
    CHECK_FALSE(contains(user.err, "http://"));
}

TEST_CASE("bad numbers are refused in words, pointing to the subcommand's own help") {
    const auto port = run_netlab({"serve-http", "-p", "abc"});
    check_one_line_usage_error(port);
    CHECK(contains(port.err, "--port must be a whole number from 0 to 65535, not 'abc'"));
    CHECK(contains(port.err, "(see 'netlab serve-http --help')"));

    const auto idle = run_netlab({"serve-http", "--idle-timeout", "0"});
    check_one_line_usage_error(idle);
    CHECK(contains(idle.err, "from 0.05 to 86400 seconds"));
    CHECK_FALSE(contains(idle.err, "0.050000"));

    const auto missing = run_netlab({"get"});
    check_one_line_usage_error(missing);
    CHECK(contains(missing.err, "missing URL"));
    CHECK(contains(missing.err, "(see 'netlab get --help')"));
}

TEST_CASE("netlab alone prints the short help, netlab help and netlab help get print the help") {
    const auto bare = run_netlab({});
    CHECK(bare.exit_code == 2);
    CHECK(contains(bare.err, "Usage: netlab"));
    CHECK(contains(bare.err, "serve-http"));
    CHECK(contains(bare.err, "netlab help SUBCOMMAND"));

    const auto help = run_netlab({"help"});
    CHECK(help.exit_code == 0);
    CHECK(contains(help.out, "Subcommands:"));
    CHECK(contains(help.out, "man netlab"));

    const auto get = run_netlab({"help", "get"});
    CHECK(get.exit_code == 0);
    CHECK(contains(get.out, "Usage: netlab get"));
    CHECK(contains(get.out, "Examples:"));

    const auto unknown = run_netlab({"help", "gte"});
    check_one_line_usage_error(unknown);
    CHECK(contains(unknown.err, "did you mean 'get'?"));
}

TEST_CASE("a subcommand's --help has examples, the global options and defaults in words") {
    for (const std::string sub : {"serve-http", "get"}) {
        CAPTURE(sub);
        const auto r = run_netlab({sub, "--help"});
        CHECK(r.exit_code == 0);
        CHECK(contains(r.out, "Examples:"));
        CHECK(contains(r.out, "Global options"));
        CHECK(contains(r.out, "--trace"));
        CHECK_FALSE(contains(r.out, "UINT"));
        CHECK_FALSE(contains(r.out, "FLOAT"));
        CHECK_FALSE(contains(r.out, "Excludes"));
    }
    CHECK(contains(run_netlab({"serve-http", "--help"}).out, "(default 8080)"));
}
