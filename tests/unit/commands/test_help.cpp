// Every subcommand's --help, read from the app tree the binary uses.
#include <doctest/doctest.h>

#include <CLI/CLI.hpp>
#include <string>

#include "cli/app_tree.hpp"

TEST_CASE("every subcommand's help has examples, the global options and no CLI11 type noise") {
    auto tree = netlab::cli::make_app_tree();
    const auto subs = tree->app.get_subcommands([](const CLI::App* a) { return !a->get_name().empty(); });
    REQUIRE(subs.size() >= 3);
    for (const auto* sub : subs) {
        const std::string text = sub->help("netlab");
        INFO(sub->get_name() << ":\n" << text);
        CHECK(text.find("Examples:") != std::string::npos);
        for (const char* global : {"--json", "--color", "--trace", "-v,--verbose", "-q,--quiet"})
            CHECK(text.find(global) != std::string::npos);
        for (const char* noise : {"UINT", "INT:", "FLOAT", "TEXT", "Excludes", "in [", "Needs:", "REQUIRED"})
            CHECK(text.find(noise) == std::string::npos);
        CHECK(text.find("README") == std::string::npos);  // an installed binary has none
    }
}

TEST_CASE("the top-level help points to the manual, not to a file an installed binary lacks") {
    auto tree = netlab::cli::make_app_tree();
    const std::string text = tree->app.help();
    CHECK(text.find("man netlab") != std::string::npos);
    CHECK(text.find("README") == std::string::npos);
    CHECK(text.find("netlab help SUBCOMMAND") != std::string::npos);
}
