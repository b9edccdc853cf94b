#include "cli/usage.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cctype>

#include "cli/suggest.hpp"

namespace netlab::cli {
namespace {

std::vector<const CLI::App*> subcommands_of(const CLI::App& root) {
    return root.get_subcommands([](const CLI::App* s) { return !s->get_name().empty(); });
}

const CLI::App* find_subcommand(const CLI::App& root, const std::string& name) {
    for (const auto* s : subcommands_of(root))
        if (s->check_name(name)) return s;
    return nullptr;
}

std::vector<std::string> subcommand_names(const CLI::App& root) {
    std::vector<std::string> names;
    for (const auto* s : subcommands_of(root)) names.push_back(s->get_name());
    return names;
}

std::vector<std::string> option_names(const CLI::App& app) {
    std::vector<std::string> names;
    for (const auto* o : app.get_options([](const CLI::Option* opt) { return opt->nonpositional(); })) {
        for (const auto& l : o->get_lnames()) names.push_back("--" + l);
        for (const auto& s : o->get_snames()) names.push_back("-" + s);
    }
    return names;
}

// Global options are accepted after the subcommand too (fallthrough); its own only after it.
const CLI::Option* find_option(const CLI::App& root, const CLI::App* sub, const std::string& name) {
    if (sub != nullptr)
        if (const auto* o = sub->get_option_no_throw(name)) return o;
    return root.get_option_no_throw(name);
}

bool takes_value(const CLI::Option* o) { return o->get_expected_max() != 0; }

// "-1" or "-0.5" is a value (of --max-redirs, say), not an option.
bool looks_like_number(const std::string& word) {
    return word.size() > 1 && word[0] == '-' && (std::isdigit(static_cast<unsigned char>(word[1])) || word[1] == '.');
}

usage_problem unknown_option(const CLI::App& root, const CLI::App* sub, const std::string& name) {
    auto candidates = option_names(root);
    std::string where;
    if (sub != nullptr) {
        const auto own = option_names(*sub);
        candidates.insert(candidates.end(), own.begin(), own.end());
        where = fmt::format(" for {}", sub->get_name());
    }
    return {fmt::format("unknown option '{}'{}{}", name, where, did_you_mean(name, candidates)),
            sub != nullptr ? sub->get_name() : ""};
}

std::string names_list(const std::vector<std::string>& names) {
    std::string text;
    for (const auto& n : names) text += (text.empty() ? "" : ", ") + n;
    return text;
}

// The part of CLI11's message before ": " (the option or argument it is about).
std::string subject_of(const std::string& what) { return what.substr(0, what.find(": ")); }

std::string after_subject(const std::string& what) {
    const auto at = what.find(": ");
    return at == std::string::npos ? what : what.substr(at + 2);
}

std::string one_line(std::string text) {
    for (auto& c : text)
        if (c == '\n') c = ' ';
    return text;
}

}  // namespace

std::optional<usage_problem> find_unknown_word(const CLI::App& root, const std::vector<std::string>& args) {
    const CLI::App* sub = nullptr;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& word = args[i];
        if (word == "--") break;  // everything after is an argument
        if (word.size() > 1 && word[0] == '-' && !looks_like_number(word)) {
            if (word[1] == '-') {
                const std::string name = word.substr(0, word.find('='));
                const auto* o = find_option(root, sub, name);
                if (o == nullptr) return unknown_option(root, sub, name);
                if (takes_value(o) && word.find('=') == std::string::npos) ++i;  // its value is the next word
                continue;
            }
            // A cluster of short options (-sS); the first that takes a value takes the rest.
            for (std::size_t j = 1; j < word.size(); ++j) {
                const std::string name = std::string("-") + word[j];
                const auto* o = find_option(root, sub, name);
                if (o == nullptr) return unknown_option(root, sub, name);
                if (takes_value(o)) {
                    if (j + 1 == word.size()) ++i;
                    break;
                }
            }
            continue;
        }
        if (sub != nullptr) continue;  // an argument of the subcommand: CLI11 checks it
        sub = find_subcommand(root, word);
        if (sub == nullptr) {
            const auto names = subcommand_names(root);
            const auto suggestion = did_you_mean(word, names);
            return usage_problem{fmt::format("unknown subcommand '{}'{}", word,
                                             suggestion.empty() ? "; expected one of: " + names_list(names) : suggestion),
                                 ""};
        }
    }
    return std::nullopt;
}

usage_problem describe_parse_error(const CLI::ParseError& e, const CLI::App& root) {
    std::string sub;
    for (const auto* s : root.get_subcommands()) sub = s->get_name();
    const std::string what = e.what();
    // By type: CLI11 2.1 leaves get_name() empty for some errors.
    const auto is = [&e](auto* type) { return dynamic_cast<decltype(type)>(&e) != nullptr; };
    std::string message;
    if (is(static_cast<const CLI::RequiredError*>(nullptr))) {
        const std::string subject = what.substr(0, what.find(" is required"));
        message = subject == "A subcommand" ? "missing subcommand" : fmt::format("missing {}", subject);
    } else if (is(static_cast<const CLI::ValidationError*>(nullptr)) || is(static_cast<const CLI::ConversionError*>(nullptr))) {
        // Our validators write "must be ...": "--port must be a whole number from 0 to 65535, not 'abc'".
        message = after_subject(what).starts_with("must be") ? fmt::format("{} {}", subject_of(what), after_subject(what))
                                                             : what;
    } else if (is(static_cast<const CLI::ArgumentMismatch*>(nullptr))) {
        const std::string subject = subject_of(what);
        if (const auto at = what.find("received "); what.find("At Most") != std::string::npos && at != std::string::npos) {
            message = fmt::format("{} was given {} times; it takes one value", subject, what.substr(at + 9));
        } else if (what.find("missing") != std::string::npos) {
            const auto* o = root.get_option_no_throw(subject);
            if (o == nullptr && !sub.empty()) o = find_subcommand(root, sub)->get_option_no_throw(subject);
            const std::string value = o != nullptr && !o->get_option_text().empty() ? o->get_option_text() : "a value";
            message = fmt::format("{} needs {} after it", subject, value);
        } else {
            message = what;
        }
    } else if (is(static_cast<const CLI::ExcludesError*>(nullptr))) {
        const auto at = what.find(" excludes ");
        message = fmt::format("{} and {} cannot be used together", what.substr(0, at), what.substr(at + 10));
    } else if (is(static_cast<const CLI::ExtrasError*>(nullptr))) {
        std::string words;
        for (const auto& w : CLI::detail::split(after_subject(what), ' ')) words += (words.empty() ? "'" : " '") + w + "'";
        message = fmt::format("unexpected argument{} {}", what.find("arguments") != std::string::npos ? "s" : "", words);
    } else {
        message = what;
    }
    return {one_line(message), sub};
}

std::string help_pointer(const std::string& subcommand) {
    return subcommand.empty() ? "(see 'netlab --help')" : fmt::format("(see 'netlab {} --help')", subcommand);
}

}  // namespace netlab::cli
