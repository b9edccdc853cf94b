#include "cli/help_format.hpp"

#include <CLI/CLI.hpp>

namespace netlab::cli {
namespace {

class help_formatter : public CLI::Formatter {
public:
    help_formatter() {
        column_width(30);
        label("Positionals", "Arguments");
    }

    std::string make_option_opts(const CLI::Option* opt) const override {
        if (opt->get_expected_max() == 0 || opt->get_positional()) return {};  // a flag, or the name says it
        const std::string& text = opt->get_option_text();
        return " " + (text.empty() ? std::string("VALUE") : text);
    }

    std::string make_option_desc(const CLI::Option* opt) const override {
        std::string desc = opt->get_description();
        if (!opt->get_default_str().empty()) desc += " (default " + opt->get_default_str() + ")";
        return desc;
    }

    // CLI11's page, with the global options between the subcommand's own and the footer.
    std::string make_help(const CLI::App* app, std::string name, CLI::AppFormatMode mode) const override {
        if (mode == CLI::AppFormatMode::Sub) return make_expanded(app);
        return make_description(app) + make_usage(app, std::move(name)) + make_positionals(app) +
               make_groups(app, mode) + global_options(app) + make_subcommands(app, mode) + "\n" + make_footer(app);
    }

private:
    // Global options apply to every subcommand, before or after its name: its page says so
    // instead of leaving the reader to find them on another page.
    std::string global_options(const CLI::App* app) const {
        const CLI::App* root = app->get_parent();
        if (root == nullptr) return {};
        const auto globals = root->get_options([root](const CLI::Option* o) {
            return o->nonpositional() && o != root->get_help_ptr() && !o->check_lname("version");
        });
        return make_group("Global options (before or after the subcommand)", false, globals);
    }
};

}  // namespace

std::shared_ptr<CLI::FormatterBase> make_help_formatter() { return std::make_shared<help_formatter>(); }

}  // namespace netlab::cli
