// Reads the app tree into the completion model: names, descriptions, and what each value is.
#include <CLI/CLI.hpp>

#include <algorithm>

#include "cli/completion.hpp"

namespace netlab::cli {
namespace {

bool is_word_list(std::string_view v) {
    return v.find('|') != std::string_view::npos && std::all_of(v.begin(), v.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '|';
           });
}

std::vector<std::string> split_words(std::string_view v) {
    std::vector<std::string> out;
    for (std::size_t start = 0; start <= v.size();) {
        const auto bar = std::min(v.find('|', start), v.size());
        out.emplace_back(v.substr(start, bar - start));
        start = bar + 1;
    }
    return out;
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

struct reader {
    const value_words& extra;
    std::vector<std::string> command_names;

    void set_kind(completion_option& o) const {
        const std::string_view v = o.value_name;
        if (is_word_list(v)) {
            o.kind = value_kind::words;
            o.words = split_words(v);
        } else if (v == "FILE") {
            o.kind = value_kind::file;
        } else if (v.find("@FILE") != std::string_view::npos) {
            o.kind = value_kind::at_file;
        } else if (v == "DIR") {
            o.kind = value_kind::folder;
        } else if (v == "ADDR" || v == "HOST" || v == "TARGET") {
            o.kind = value_kind::host;
        } else if (v == "SUBCOMMAND") {
            o.kind = value_kind::words;
            o.words = command_names;
        } else if (v == "SHELL") {
            o.kind = value_kind::words;
            for (const auto& s : completion_shells) o.words.emplace_back(s.name);
        } else if (auto words = extra ? extra(v) : std::vector<std::string>{}; !words.empty()) {
            o.kind = value_kind::words;
            o.words = std::move(words);
        } else {
            o.kind = value_kind::text;
        }
    }

    completion_option option_of(const CLI::Option& opt) const {
        completion_option o;
        for (const auto& s : opt.get_snames()) o.names.push_back("-" + s);
        for (const auto& l : opt.get_lnames()) o.names.push_back("--" + l);
        o.description = first_line(opt.get_description());
        if (opt.nonpositional() && opt.get_expected_max() == 0) return o;  // a flag
        o.value_name = opt.nonpositional() ? opt.get_option_text() : opt.get_name(true);
        if (o.value_name.empty()) o.value_name = "VALUE";
        o.repeats = !opt.nonpositional() && opt.get_items_expected_max() > 1;
        set_kind(o);
        return o;
    }

    // The options the help shows (a hidden one has no group), in the order they were added.
    std::vector<completion_option> options_of(const CLI::App& app, bool positional, bool with_help) const {
        std::vector<completion_option> out;
        for (const auto* opt : app.get_options()) {
            if (opt->get_group().empty() || opt->nonpositional() == positional) continue;
            if (!with_help && opt == app.get_help_ptr()) continue;
            out.push_back(option_of(*opt));
        }
        return out;
    }
};

}  // namespace

completion_model completion_model_of(const CLI::App& root, const value_words& extra) {
    reader r{extra, {}};
    const auto subcommands = root.get_subcommands([](const CLI::App* a) { return !a->get_name().empty(); });
    for (const auto* s : subcommands) r.command_names.push_back(s->get_name());

    completion_model m;
    m.globals = r.options_of(root, false, true);
    for (const auto* s : subcommands) {
        completion_command c;
        c.name = s->get_name();
        c.description = first_line(s->get_description());
        // -h/--help is among the globals already: the same spelling works after a subcommand.
        c.options = r.options_of(*s, false, false);
        c.positionals = r.options_of(*s, true, false);
        m.commands.push_back(std::move(c));
    }
    return m;
}

}  // namespace netlab::cli
