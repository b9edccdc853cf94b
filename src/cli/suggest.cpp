#include "cli/suggest.hpp"

#include <algorithm>
#include <cctype>
#include <numeric>

namespace netlab::cli {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    // Three rows of the dynamic-programming table: the swap rule looks two rows back.
    std::vector<std::size_t> before(b.size() + 1), previous(b.size() + 1), current(b.size() + 1);
    std::iota(previous.begin(), previous.end(), std::size_t{0});
    for (std::size_t i = 1; i <= a.size(); ++i) {
        current[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                current[j] = std::min(current[j], before[j - 2] + 1);
        }
        std::swap(before, previous);
        std::swap(previous, current);
    }
    return previous[b.size()];
}

std::vector<std::string> close_matches(std::string_view typed, const std::vector<std::string>& candidates) {
    // Leading dashes are the option syntax, not the word: "--jsn" is one step from "--json".
    const auto word_length = typed.size() - std::min(typed.find_first_not_of('-'), typed.size());
    std::vector<std::string> found;
    if (word_length < 3) {
        // Every one-letter option is one step from every other: only a change of case
        // ("-o" for "-O") is worth suggesting.
        for (const auto& c : candidates)
            if (c != typed && c.size() == typed.size() &&
                std::equal(c.begin(), c.end(), typed.begin(), [](char x, char y) { return std::tolower(x) == std::tolower(y); }))
                found.push_back(c);
        return found;
    }
    const std::size_t limit = std::clamp<std::size_t>(word_length / 3, 1, 3);
    std::size_t best = limit + 1;
    for (const auto& c : candidates) {
        const auto d = edit_distance(typed, c);
        if (d < best) {
            best = d;
            found.clear();
        }
        if (d == best && std::find(found.begin(), found.end(), c) == found.end()) found.push_back(c);
    }
    if (!found.empty()) return found;
    // An abbreviation of one name ("--out" for "--output") is suggested too.
    for (const auto& c : candidates)
        if (c.size() > typed.size() && c.starts_with(typed)) found.push_back(c);
    if (found.size() != 1) found.clear();
    return found;
}

std::string did_you_mean(std::string_view typed, const std::vector<std::string>& candidates) {
    const auto found = close_matches(typed, candidates);
    if (found.empty()) return {};
    std::string text = "; did you mean ";
    for (std::size_t i = 0; i < found.size(); ++i) {
        if (i > 0) text += i + 1 == found.size() ? " or " : ", ";
        text += "'" + found[i] + "'";
    }
    return text + "?";
}

}  // namespace netlab::cli
