#include <doctest/doctest.h>

#include "netlab/platform/terminal.hpp"

namespace pf = netlab::platform;
using pf::color_mode;

TEST_CASE("colour policy: always and never win over everything") {
    CHECK(pf::should_color(color_mode::always, false, "1"));
    CHECK_FALSE(pf::should_color(color_mode::never, true, nullptr));
}

TEST_CASE("colour policy: auto colours a terminal unless NO_COLOR is set and non-empty") {
    CHECK(pf::should_color(color_mode::automatic, true, nullptr));
    CHECK(pf::should_color(color_mode::automatic, true, ""));
    CHECK_FALSE(pf::should_color(color_mode::automatic, true, "1"));
    CHECK_FALSE(pf::should_color(color_mode::automatic, false, nullptr));
}

TEST_CASE("a stream has a width exactly when it is a terminal") {
    for (auto s : {pf::std_stream::out, pf::std_stream::err}) {
        const auto width = pf::terminal_width(s);
        CHECK(width.has_value() == pf::is_terminal(s));
        if (width) CHECK(*width > 0);
    }
}
