#include <doctest/doctest.h>

#include <set>

#include "client/errors.hpp"

using namespace netlab::client;

TEST_CASE("exit codes are curl's numbers") {
    CHECK(exit_code_of(get_error::ok) == 0);
    CHECK(exit_code_of(get_error::unsupported_protocol) == 1);
    CHECK(exit_code_of(get_error::malformed_url) == 3);
    CHECK(exit_code_of(get_error::cannot_resolve) == 6);
    CHECK(exit_code_of(get_error::cannot_connect) == 7);
    CHECK(exit_code_of(get_error::partial_file) == 18);
    CHECK(exit_code_of(get_error::http_error) == 22);
    CHECK(exit_code_of(get_error::write_error) == 23);
    CHECK(exit_code_of(get_error::timed_out) == 28);
    CHECK(exit_code_of(get_error::too_many_redirects) == 47);
    CHECK(exit_code_of(get_error::empty_reply) == 52);
    CHECK(exit_code_of(get_error::send_error) == 55);
    CHECK(exit_code_of(get_error::recv_error) == 56);
    CHECK(exit_code_of(get_error::filesize_exceeded) == 63);
    CHECK(exit_code_of(get_error::tls_handshake) == 35);
    CHECK(exit_code_of(get_error::peer_certificate) == 60);
    CHECK(exit_code_of(get_error::ca_file) == 77);
    CHECK(exit_code_of(get_error::interrupted) == 130);  // netlab's common code for a stop signal
}

TEST_CASE("the table has one row per error with unique codes and names") {
    std::set<int> codes;
    std::set<std::string_view> names;
    for (const auto& row : get_error_table()) {
        CHECK(codes.insert(row.exit_code).second);
        CHECK(names.insert(row.name).second);
        CHECK_FALSE(row.message.empty());
        CHECK(&info(row.error) == &row);
    }
    CHECK(codes.size() == 19);
}

TEST_CASE("the table is in exit-code order, as get's help and docs/get.md list it") {
    int previous = -1;
    for (const auto& row : get_error_table()) {
        CHECK_MESSAGE(row.exit_code > previous, row.name);
        previous = row.exit_code;
    }
}
