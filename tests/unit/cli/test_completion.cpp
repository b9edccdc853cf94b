#include <doctest/doctest.h>

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cli/completion.hpp"

using namespace netlab::cli;

namespace {

struct small_tree {
    CLI::App app{"test", "netlab"};
    std::string color, out, data, dir, host, spec, text;
    std::vector<std::string> targets;
    bool flag = false;
    small_tree() {
        app.add_option("--color", color, "Colour")->option_text("auto|always|never");
        auto* get = app.add_subcommand("get", "Fetch a URL\nsecond line");
        get->add_option("-o,--output", out, "Write to FILE")->option_text("FILE");
        get->add_option("-d,--data", data, "Data")->option_text("DATA|@FILE");
        get->add_flag("-L,--location", flag, "Follow");
        get->add_option("URL", text, "The URL");
        auto* serve = app.add_subcommand("serve-http", "Serve");
        serve->add_option("DIR", dir, "Folder");
        serve->add_option("-b,--bind", host, "Address")->option_text("ADDR");
        auto* scan = app.add_subcommand("portscan", "Scan");
        scan->add_option("-p,--ports", spec, "Ports")->option_text("SPEC");
        scan->add_option("TARGET", targets, "Targets");
        auto* hidden = scan->add_flag("--secret", flag, "Hidden");
        hidden->group("");
        std::string shell, topic;
        app.add_subcommand("completions", "Scripts")->add_option("SHELL", shell, "Shell");
        app.add_subcommand("help", "Help")->add_option("SUBCOMMAND", topic, "Topic");
    }
};

const completion_command& command(const completion_model& m, const std::string& name) {
    for (const auto& c : m.commands)
        if (c.name == name) return c;
    FAIL("no subcommand " << name);
    throw;
}

const completion_option& option(const std::vector<completion_option>& opts, const std::string& name) {
    for (const auto& o : opts)
        for (const auto& n : o.names)
            if (n == name) return o;
    FAIL("no option " << name);
    throw;
}

}  // namespace

TEST_CASE("the model has every subcommand, its options with both spellings, and its positionals in order") {
    small_tree t;
    const auto m = completion_model_of(t.app, {});
    REQUIRE(m.commands.size() == 5);
    CHECK(m.commands[0].name == "get");
    CHECK(m.commands[0].description == "Fetch a URL");  // the first line
    const auto& out = option(m.commands[0].options, "--output");
    CHECK(out.names == std::vector<std::string>{"-o", "--output"});
    CHECK(option(m.commands[0].options, "-L").kind == value_kind::none);
    REQUIRE(m.commands[0].positionals.size() == 1);
    CHECK(m.commands[0].positionals[0].value_name == "URL");
    CHECK(m.commands[0].positionals[0].kind == value_kind::text);
}

TEST_CASE("value kinds come from the names the help shows") {
    small_tree t;
    const auto m = completion_model_of(t.app, {});
    CHECK(option(m.globals, "--color").kind == value_kind::words);
    CHECK(option(m.globals, "--color").words == std::vector<std::string>{"auto", "always", "never"});
    CHECK(option(command(m, "get").options, "-o").kind == value_kind::file);
    CHECK(option(command(m, "get").options, "-d").kind == value_kind::at_file);
    CHECK(command(m, "serve-http").positionals[0].kind == value_kind::folder);
    CHECK(option(command(m, "serve-http").options, "--bind").kind == value_kind::host);
    CHECK(command(m, "portscan").positionals[0].kind == value_kind::host);
    CHECK(command(m, "portscan").positionals[0].repeats);
    CHECK(command(m, "completions").positionals[0].words == std::vector<std::string>{"bash", "zsh", "fish", "powershell"});
    CHECK(command(m, "help").positionals[0].words ==
          std::vector<std::string>{"get", "serve-http", "portscan", "completions", "help"});
}

TEST_CASE("words the tree cannot know come from the caller, and hidden options are left out") {
    small_tree t;
    const auto m = completion_model_of(t.app, [](std::string_view v) {
        return v == "SPEC" ? std::vector<std::string>{"http", "ssh"} : std::vector<std::string>{};
    });
    const auto& ports = option(command(m, "portscan").options, "--ports");
    CHECK(ports.kind == value_kind::words);
    CHECK(ports.words == std::vector<std::string>{"http", "ssh"});
    for (const auto& o : command(m, "portscan").options) CHECK(o.names.front() != "--secret");
}

TEST_CASE("every shell's script names every subcommand and option") {
    small_tree t;
    const auto m = completion_model_of(t.app, {});
    for (const auto& shell : completion_shells) {
        CAPTURE(shell.name);
        const auto script = shell.script(m);
        for (const char* word : {"serve-http", "portscan", "output", "location", "color", "always"})  // fish writes -l output
            CHECK(script.find(word) != std::string::npos);
    }
}
