// Option checks whose refusals say, in words, what was wrong and what is expected:
// "--port must be a whole number from 0 to 65535, not 'abc'". They read the text
// themselves, so a word where a number belongs gets the same sentence as a number out of
// range, and the numbers are printed as people write them (0.05, not 0.050000).
#pragma once

#include <string>
#include <string_view>

namespace CLI {
class Validator;
}

namespace netlab::cli {

// A whole number in [min, max]; `unit` ("seconds") follows the range when given.
CLI::Validator whole_number(long long min, long long max, std::string_view unit = {});
// A number, decimals allowed, in [min, max].
CLI::Validator decimal_number(double min, double max, std::string_view unit = {});
// A folder that exists (the positional of serve-http).
CLI::Validator existing_folder();
// One of the given words (comma-separated in `words`, as it appears in help).
CLI::Validator one_of(std::string_view what, std::initializer_list<std::string_view> words);

// The range as a phrase: "from 0.05 to 86400 seconds".
std::string range_phrase(double min, double max, std::string_view unit);

}  // namespace netlab::cli
