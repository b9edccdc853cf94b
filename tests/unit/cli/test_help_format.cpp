#include <doctest/doctest.h>

#include <CLI/CLI.hpp>

#include "cli/help_format.hpp"

TEST_CASE("help shows values in words and defaults in the description, no CLI11 type names") {
    CLI::App app{"test", "netlab"};
    app.formatter(netlab::cli::make_help_formatter());
    bool json = false;
    app.add_flag("--json", json, "JSON lines");
    auto* sub = app.add_subcommand("serve-http", "Serve");
    int port = 8080;
    double timeout = 10;
    bool echo = false;
    sub->add_option("-p,--port", port, "TCP port")->option_text("N")->check(CLI::Range(0, 65535))->capture_default_str();
    sub->add_option("--idle-timeout", timeout, "Seconds idle")->capture_default_str();
    auto* e = sub->add_flag("--echo", echo, "Echo");
    sub->add_flag("--dump", echo, "Dump")->excludes(e);
    const std::string text = sub->help("netlab");
    CHECK(text.find("-p,--port N") != std::string::npos);
    CHECK(text.find("TCP port (default 8080)") != std::string::npos);
    CHECK(text.find("--idle-timeout VALUE") != std::string::npos);
    CHECK(text.find("(default 10)") != std::string::npos);
    for (const char* noise : {"UINT", "INT", "FLOAT", "TEXT", "Excludes", "in [", "=8080"}) {
        INFO(noise);
        CHECK(text.find(noise) == std::string::npos);
    }
    CHECK(text.find("--echo VALUE") == std::string::npos);  // a flag takes no value
    CHECK(text.find("Global options") != std::string::npos);
    CHECK(text.find("--json") != std::string::npos);
    CHECK(text.find("Usage: netlab serve-http") != std::string::npos);
}
