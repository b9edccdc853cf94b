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
}

TEST_CASE("--version --json is one JSON object") {
    const auto r = run_netlab({"--json", "--version"});
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["event"] == "version");
    CHECK_FALSE(j["io_backend"].get<std::string>().empty());
    CHECK(r.out.find('\n') == r.out.size() - 1);
}

TEST_CASE("--help lists the exit codes") {
    const auto r = run_netlab({"--help"});
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
