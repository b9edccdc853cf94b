#include "cli/validators.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>

namespace netlab::cli {
namespace {

std::string shown(const std::string& value) { return value.empty() ? "an empty value" : "'" + value + "'"; }

// strtod/strtoll over the whole text (no trailing junk, no leading space); std::from_chars
// for double is missing from libc++ before 17.
bool parse_whole(const std::string& text, long long& out) {
    if (text.empty() || std::isspace(static_cast<unsigned char>(text.front()))) return false;
    char* end = nullptr;
    errno = 0;
    out = std::strtoll(text.c_str(), &end, 10);
    return errno == 0 && end == text.c_str() + text.size();
}

// Paths are UTF-8 strings throughout netlab, as static_site reads them.
std::filesystem::path utf8_path(const std::string& s) {
    return std::filesystem::path(std::u8string(reinterpret_cast<const char8_t*>(s.data()), s.size()));
}

bool parse_decimal(const std::string& text, double& out) {
    if (text.empty() || std::isspace(static_cast<unsigned char>(text.front()))) return false;
    char* end = nullptr;
    errno = 0;
    out = std::strtod(text.c_str(), &end);
    return errno == 0 && end == text.c_str() + text.size() && std::isfinite(out);
}

}  // namespace

// As people write numbers: 1000000, not fmt's shortest form 1e+06; 0.05 stays 0.05.
std::string plain_number(double n) {
    if (n == std::floor(n) && std::fabs(n) < 1e15) return fmt::format("{}", static_cast<long long>(n));
    return fmt::format("{}", n);
}

std::string range_phrase(double min, double max, std::string_view unit) {
    return fmt::format("from {} to {}{}{}", plain_number(min), plain_number(max), unit.empty() ? "" : " ", unit);
}

CLI::Validator whole_number(long long min, long long max, std::string_view unit) {
    const std::string expected =
        fmt::format("must be a whole number {}", range_phrase(static_cast<double>(min), static_cast<double>(max), unit));
    return CLI::Validator(
        [=](std::string& value) {
            long long n = 0;
            return parse_whole(value, n) && n >= min && n <= max ? std::string() : fmt::format("{}, not {}", expected, shown(value));
        },
        "");
}

CLI::Validator decimal_number(double min, double max, std::string_view unit) {
    const std::string expected = fmt::format("must be a number {}", range_phrase(min, max, unit));
    return CLI::Validator(
        [=](std::string& value) {
            double n = 0;
            return parse_decimal(value, n) && n >= min && n <= max ? std::string() : fmt::format("{}, not {}", expected, shown(value));
        },
        "");
}

CLI::Validator existing_folder() {
    return CLI::Validator(
        [](std::string& value) -> std::string {
            std::error_code ec;
            const auto status = std::filesystem::status(utf8_path(value), ec);
            if (std::filesystem::is_directory(status)) return {};
            if (std::filesystem::exists(status)) return fmt::format("must be a folder, and '{}' is a file", value);
            return fmt::format("must be a folder that exists, and '{}' does not", value);
        },
        "");
}

CLI::Validator one_of(std::string_view what, std::initializer_list<std::string_view> words) {
    std::string list;
    std::vector<std::string> allowed;
    for (const auto w : words) {
        list += (list.empty() ? "" : ", ") + std::string(w);
        allowed.emplace_back(w);
    }
    const std::string expected = fmt::format("must be {}: {}", what, list);
    return CLI::Validator(
        [=](std::string& value) {
            for (const auto& w : allowed)
                if (value == w) return std::string();
            return fmt::format("{}, not {}", expected, shown(value));
        },
        "");
}

}  // namespace netlab::cli
