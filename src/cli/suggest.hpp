// "Did you mean ...?" for mistyped subcommands and options, as git and cargo answer.
// Pure functions over the app's own names, so the suggestions can never name something
// that does not exist.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace netlab::cli {

// Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of
// two neighbours each cost 1 ("outptu" is one step from "output").
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidates close enough to `typed` to suggest, best first (several only when they
// tie). Close enough: within a third of the word's length (at least 1, at most 3), or
// `typed` is the start of exactly one candidate.
std::vector<std::string> close_matches(std::string_view typed, const std::vector<std::string>& candidates);

// "; did you mean 'x'?" or "; did you mean 'x' or 'y'?", or "" when nothing is close.
std::string did_you_mean(std::string_view typed, const std::vector<std::string>& candidates);

}  // namespace netlab::cli
