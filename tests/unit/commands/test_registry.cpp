// The subcommands' option tables, checked without running them: what each accepts and
// what it refuses before any socket opens.
#include <doctest/doctest.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <optional>
#include <string_view>
#include <utility>
#include <string>
#include <vector>

#include "cli/app_tree.hpp"
#include "commands/registry.hpp"

namespace {

// Parses `args` (after the program name) with the app tree the binary uses; returns
// whether a runner was chosen, throwing CLI11's error on bad input.
bool parse(std::vector<std::string> args) {
    auto tree = netlab::cli::make_app_tree();
    std::reverse(args.begin(), args.end());
    tree->app.parse(args);
    return static_cast<bool>(tree->chosen);
}

}  // namespace

TEST_CASE("the registry lists serve-http") {
    bool found = false;
    for (const auto& c : netlab::commands::all()) found = found || std::string(c.name) == "serve-http";
    CHECK(found);
}

TEST_CASE("serve_http accepts its documented options") {
    CHECK(parse({"serve-http", ".", "--port", "0", "--bind", "127.0.0.1", "--threads", "2", "--echo", "--dump",
                 "--no-listing", "--hidden", "--follow-symlinks", "--cors", "--header-timeout", "1.5",
                 "--idle-timeout", "30", "--max-connections", "10"}));
    CHECK(parse({"serve-http"}));
}

TEST_CASE("serve_http refuses bad values before any socket opens") {
    CHECK_THROWS_AS(parse({"serve-http", "--port", "70000"}), CLI::ValidationError);
    CHECK_THROWS_AS(parse({"serve-http", "--port", "http"}), CLI::ParseError);
    CHECK_THROWS_AS(parse({"serve-http", "--bind", "not-an-address"}), CLI::ValidationError);
    CHECK_THROWS_AS(parse({"serve-http", "/no/such/folder/anywhere"}), CLI::ValidationError);
    CHECK_THROWS_AS(parse({"serve-http", "--threads", "0"}), CLI::ValidationError);
    CHECK_THROWS_AS(parse({"serve-http", "--header-timeout", "-1"}), CLI::ValidationError);
}

TEST_CASE("portscan accepts its documented options") {
    CHECK(parse({"portscan", "127.0.0.1"}));
    CHECK(parse({"portscan", "localhost", "::1", "10.0.0.0/30", "-p", "22,80,8000-8100,http", "--timeout", "250",
                 "--concurrency", "100", "--max-rate", "500", "--retries", "2", "--open", "--banner", "--randomize",
                 "-4"}));
    CHECK(parse({"portscan", "db", "-p", "5432", "--wait", "30"}));
    CHECK(parse({"portscan", "127.0.0.1", "--top-ports", "100", "-6"}));
    CHECK(parse({"portscan", "127.0.0.1", "-p-"}));
    CHECK(parse({"portscan", "127.0.0.1", "-p", "-"}));
}

TEST_CASE("portscan refuses bad port lists and values before any socket opens") {
    for (const char* spec : {"0", "65536", "100-10", "22,,80", "x y", "U:53", "", "nosuchservicename"})
        CHECK_THROWS_AS(parse({"portscan", "127.0.0.1", "-p", spec}), CLI::ValidationError);
    CHECK_THROWS_AS(parse({"portscan", "127.0.0.1", "--top-ports", "1001"}), CLI::ValidationError);
    CHECK_THROWS_AS(parse({"portscan", "127.0.0.1", "--timeout", "0"}), CLI::ValidationError);
    CHECK_THROWS_AS(parse({"portscan", "127.0.0.1", "--retries", "101"}), CLI::ValidationError);
    CHECK_THROWS_AS(parse({"portscan", "127.0.0.1", "-p", "22", "--top-ports", "5"}), CLI::ExcludesError);
    CHECK_THROWS_AS(parse({"portscan", "127.0.0.1", "-4", "-6"}), CLI::ExcludesError);
    CHECK_THROWS_AS(parse({"portscan"}), CLI::RequiredError);
}

TEST_CASE("udp_listen accepts its documented options and refuses bad values") {
    CHECK(parse({"udp-listen", "0", "--bind", "::", "--echo", "--hex", "--headers", "--count", "5", "--timeout", "1.5",
                 "--interval", "0.5", "--no-offload"}));
    CHECK_THROWS_AS(parse({"udp-listen"}), CLI::ParseError);
    CHECK_THROWS_AS(parse({"udp-listen", "65536"}), CLI::ValidationError);
    CHECK_THROWS_AS(parse({"udp-listen", "5000", "--bind", "example.com"}), CLI::ValidationError);
    CHECK_THROWS_AS(parse({"udp-listen", "5000", "--count", "0"}), CLI::ValidationError);
    CHECK_THROWS_AS(parse({"udp-listen", "5000", "--timeout", "0"}), CLI::ValidationError);
}

TEST_CASE("udp_send accepts its documented options and refuses bad values and mixed modes") {
    CHECK(parse({"udp-send", "localhost", "9", "hello", "--count", "3", "--interval", "0", "--source-port", "0", "-b",
                 "127.0.0.1", "-4", "--timeout", "2"}));
    CHECK(parse({"udp-send", "::1", "9", "--ping", "--count", "3", "--size", "100", "-6"}));
    CHECK(parse({"udp-send", "::1", "9", "--probe", "--rate", "0", "--duration", "3", "--size", "32", "--no-offload"}));
    CHECK_THROWS_AS(parse({"udp-send", "127.0.0.1"}), CLI::ParseError);
    CHECK_THROWS_AS(parse({"udp-send", "127.0.0.1", "0"}), CLI::ValidationError);
    CHECK_THROWS_AS(parse({"udp-send", "127.0.0.1", "9", "--ping", "--size", "31"}), CLI::ValidationError);
    CHECK_THROWS_AS(parse({"udp-send", "127.0.0.1", "9", "--ping", "--probe"}), CLI::ExcludesError);
    CHECK_THROWS_AS(parse({"udp-send", "127.0.0.1", "9", "hi", "--ping"}), CLI::ExcludesError);
    CHECK_THROWS_AS(parse({"udp-send", "127.0.0.1", "9", "--probe", "--count", "5", "--duration", "1"}), CLI::ExcludesError);
    CHECK_THROWS_AS(parse({"udp-send", "127.0.0.1", "9", "-4", "-6"}), CLI::ExcludesError);
}

TEST_CASE("demux_demo accepts its documented options and refuses bad values") {
    CHECK(parse({"demux-demo"}));
    CHECK(parse({"demux-demo", "--port", "0", "--clients", "16", "--step"}));
    CHECK(parse({"demux-demo", "-p", "9000", "--clients", "2"}));
    CHECK_THROWS_AS(parse({"demux-demo", "--clients", "1"}), CLI::ValidationError);
    CHECK_THROWS_AS(parse({"demux-demo", "--clients", "17"}), CLI::ValidationError);
    CHECK_THROWS_AS(parse({"demux-demo", "--port", "65536"}), CLI::ValidationError);
    CHECK_THROWS_AS(parse({"demux-demo", "extra"}), CLI::ParseError);
}

namespace {

// A value each repeatable option accepts, by the value name its help shows; a repeatable
// option added with a new value name fails the test below until it gets one here.
constexpr std::array<std::pair<std::string_view, std::string_view>, 3> repeatable_samples{{
    {"'NAME: VALUE'", "Accept: application/json"},
    {"DATA|@FILE", "a=1"},
    {"HOST:PORT:ADDRESS", "example.test:80:127.0.0.1"},
}};

// A value for each positional argument, by name.
constexpr std::array<std::pair<std::string_view, std::string_view>, 8> positional_samples{{
    {"URL", "http://127.0.0.1/x"}, {"TARGET", "127.0.0.1"}, {"HOST", "127.0.0.1"}, {"PORT", "9"},
    {"MESSAGE", "hi"},             {"DIR", "."},             {"SUBCOMMAND", "get"}, {"SHELL", "bash"},
}};

// The sample for `name`, or nullopt.
template <std::size_t N>
std::optional<std::string> sample(const std::array<std::pair<std::string_view, std::string_view>, N>& table,
                                  std::string_view name) {
    for (const auto& [key, value] : table)
        if (key == name) return std::string(value);
    return std::nullopt;
}

struct parsed_words {
    std::vector<std::string> option;                             // the repeatable option's values
    std::vector<std::pair<std::string, std::string>> positionals;  // name, its values joined by '|'
};

// Parses `args` with the binary's app tree and reads back what `option` of `sub` and
// each positional of `sub` received.
parsed_words parse_and_read(std::vector<std::string> args, const std::string& sub, const std::string& option) {
    auto tree = netlab::cli::make_app_tree();
    std::reverse(args.begin(), args.end());
    tree->app.parse(args);
    auto* app = tree->app.get_subcommand(sub);
    parsed_words w;
    w.option = app->get_option(option)->results();
    for (const auto* p : app->get_options([](const CLI::Option* o) { return o->get_positional(); })) {
        std::string joined;
        for (const auto& r : p->results()) joined += (joined.empty() ? "" : "|") + r;
        w.positionals.emplace_back(p->get_name(), joined);
    }
    return w;
}

}  // namespace

TEST_CASE("every repeatable option of every subcommand takes one value per use before or after the arguments") {
    auto tree = netlab::cli::make_app_tree();
    int checked = 0;
    for (auto* sub : tree->app.get_subcommands([](CLI::App* a) { return !a->get_name().empty(); })) {
        const std::string name = sub->get_name();
        // The arguments, in order, with a value each.
        std::vector<std::string> positionals;
        std::vector<std::pair<std::string, std::string>> expected_positionals;
        for (const auto* p : sub->get_options([](const CLI::Option* o) { return o->get_positional(); })) {
            const auto value = sample(positional_samples, p->get_name());
            REQUIRE_MESSAGE(value, name << " " << p->get_name() << ": add a sample value");
            positionals.push_back(*value);
            expected_positionals.emplace_back(p->get_name(), *value);
        }
        for (const auto* o : sub->get_options([](const CLI::Option* o) { return o->nonpositional() && o->get_expected_max() > 1; })) {
            const auto value = sample(repeatable_samples, o->get_option_text());
            REQUIRE_MESSAGE(value, name << " " << o->get_name() << " " << o->get_option_text() << ": add a sample value");
            const std::string& v = *value;
            std::vector<std::string> spellings;  // -H, --header
            for (const auto& s : o->get_snames()) spellings.push_back("-" + s);
            for (const auto& l : o->get_lnames()) spellings.push_back("--" + l);
            for (const auto& spelled : spellings) {
                const auto with = [&](std::vector<std::string> before, std::vector<std::string> after) {
                    std::vector<std::string> args{name};
                    args.insert(args.end(), before.begin(), before.end());
                    args.insert(args.end(), positionals.begin(), positionals.end());
                    args.insert(args.end(), after.begin(), after.end());
                    return args;
                };
                std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> cases{
                    {with({spelled, v}, {}), {v}},                      // before the arguments
                    {with({}, {spelled, v}), {v}},                      // after them
                    {with({spelled, v, spelled, v + "2"}, {}), {v, v + "2"}},  // twice, then the arguments
                    {with({spelled, v}, {spelled, v}), {v, v}},         // around them
                };
                if (spelled.starts_with("--")) {  // --header=value
                    std::string joined = spelled;
                    joined += '=';
                    joined += v;
                    cases.push_back({with({joined}, {}), {v}});
                }
                for (const auto& [args, values] : cases) {
                    std::string line;
                    for (const auto& a : args) line += a + " ";
                    INFO(line);
                    parsed_words w;
                    REQUIRE_NOTHROW(w = parse_and_read(args, name, o->get_name()));
                    CHECK(w.option == values);
                    CHECK(w.positionals == expected_positionals);
                    ++checked;
                }
            }
        }
    }
    CHECK(checked >= 23);  // get: -H and -d in both spellings, --resolve
}
