// Every subcommand's --help, read from the app tree the binary uses.
#include <doctest/doctest.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <regex>
#include <string>
#include <utility>
#include <vector>

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

namespace {

// The codes an "Exit codes" section lists, in the order shown: a table ("  0    success")
// or a sentence ("Exit codes: 0 sent, 1 network failure, 2 usage error, 130 interrupted.").
std::vector<int> listed_exit_codes(const std::string& help) {
    std::vector<int> codes;
    const auto at = help.find("Exit codes");
    if (at == std::string::npos) return codes;
    std::string section = help.substr(help.find(':', at) + 1);
    section = section.substr(0, section.find("\n\n"));
    static const std::regex code(R"((?:^|[:,]\s+|\n\s*)(\d+)\s)");
    for (std::sregex_iterator it(section.begin(), section.end(), code), end; it != end; ++it)
        codes.push_back(std::stoi((*it)[1]));
    return codes;
}

}  // namespace

TEST_CASE("every help lists its exit codes in numeric order") {
    auto tree = netlab::cli::make_app_tree();
    std::vector<std::pair<std::string, std::string>> pages{{"netlab", tree->app.help()}};
    for (const auto* sub : tree->app.get_subcommands([](const CLI::App* a) { return !a->get_name().empty(); }))
        pages.emplace_back(sub->get_name(), sub->help("netlab"));
    int lists = 0;
    for (const auto& page : pages) {
        const auto codes = listed_exit_codes(page.second);
        INFO(page.first << ":\n" << page.second);
        if (codes.empty()) continue;
        ++lists;
        CHECK(std::is_sorted(codes.begin(), codes.end()));
        CHECK(std::adjacent_find(codes.begin(), codes.end()) == codes.end());
    }
    CHECK(lists >= 4);  // netlab, get, portscan, udp-send at least
    const auto get = listed_exit_codes(tree->app.get_subcommand("get")->help("netlab"));
    CHECK(std::find(get.begin(), get.end(), 55) != get.end());
}
