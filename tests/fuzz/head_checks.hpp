// Properties every HTTP head parser keeps (request and response alike), checked by their
// fuzz targets.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <string_view>

#include "fuzz_check.hpp"
#include "http/message.hpp"

namespace netlab::fuzz {

// A view the parser filled points into the bytes it was given.
inline bool inside(std::string_view part, std::string_view whole) {
    return part.empty() || (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

struct head_answer {
    http::parse_status status;
    std::size_t head_size;  // when complete
};

// As bytes arrive, the answer for a prefix never contradicts the answer for the whole: a
// prefix that is bad stays bad (bad is final), one that is complete is the same head,
// and before the head's end it is incomplete. What a parser that resumes where it
// stopped must keep. `parse` answers for any prefix of `all`.
template <class Parse>
void check_prefixes(std::string_view all, Parse parse) {
    const head_answer whole = parse(all);
    for (const std::size_t k : {std::size_t{1}, all.size() / 3, all.size() / 2, all.size() - 1, whole.head_size - 1}) {
        if (k == 0 || k >= all.size()) continue;
        const head_answer part = parse(all.substr(0, k));
        if (part.status == http::parse_status::bad) FUZZ_CHECK(whole.status == http::parse_status::bad);
        if (part.status == http::parse_status::complete)
            FUZZ_CHECK(whole.status == http::parse_status::complete && part.head_size == whole.head_size);
        if (whole.status == http::parse_status::complete && k < whole.head_size)
            FUZZ_CHECK(part.status == http::parse_status::incomplete);
    }
}

}  // namespace netlab::fuzz
