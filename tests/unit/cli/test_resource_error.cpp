#include <doctest/doctest.h>

#include <new>
#include <stdexcept>
#include <system_error>

#include "cli/resource_error.hpp"

using netlab::cli::resource_error_text;

namespace {

std::system_error system_error(std::errc e) { return std::system_error(std::make_error_code(e), "epoll"); }

}  // namespace

TEST_CASE("out of memory, descriptors or threads is named with what to do, anything else is no resource error") {
    const auto memory = resource_error_text(std::bad_alloc());
    REQUIRE(memory);
    CHECK(memory->starts_with("out of memory"));
    CHECK(resource_error_text(system_error(std::errc::not_enough_memory)) == memory);

    const auto descriptors = resource_error_text(system_error(std::errc::too_many_files_open));
    REQUIRE(descriptors);
    CHECK(descriptors->starts_with("out of file descriptors (too many open files)"));
    const auto system_wide = resource_error_text(system_error(std::errc::too_many_files_open_in_system));
    REQUIRE(system_wide);
    CHECK(system_wide->starts_with("out of file descriptors (too many open files in the system)"));

    const auto threads = resource_error_text(system_error(std::errc::resource_unavailable_try_again));
    REQUIRE(threads);
    CHECK(threads->starts_with("out of threads"));

    for (const auto* text : {&*memory, &*descriptors, &*system_wide, &*threads}) {
        CHECK(text->find('\n') == std::string::npos);
        CHECK(text->find(": ") != std::string::npos);  // then what to do
    }
    CHECK_FALSE(resource_error_text(std::runtime_error("boom")));
    CHECK_FALSE(resource_error_text(system_error(std::errc::connection_refused)));
}
