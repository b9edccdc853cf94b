#include <doctest/doctest.h>

#include "client/redirect.hpp"

using namespace netlab::client;

TEST_CASE("only 301, 302, 303, 307 and 308 are followed") {
    for (int s : {301, 302, 303, 307, 308}) CHECK(is_followed_redirect(s));
    for (int s : {200, 300, 304, 305, 306, 309, 400}) CHECK_FALSE(is_followed_redirect(s));
    CHECK_FALSE(next_after_redirect(300, "GET").has_value());
    CHECK_FALSE(next_after_redirect(304, "GET").has_value());
}

TEST_CASE("303 turns POST and PUT into GET without body, HEAD stays HEAD") {
    for (const char* m : {"POST", "PUT", "DELETE", "GET"}) {
        const auto s = next_after_redirect(303, m);
        REQUIRE(s);
        CHECK(s->method == "GET");
        CHECK_FALSE(s->keep_body);
    }
    const auto head = next_after_redirect(303, "HEAD");
    CHECK(head->method == "HEAD");
}

TEST_CASE("301 and 302 turn POST into GET like curl, keep other methods with their body") {
    for (int status : {301, 302}) {
        const auto post = next_after_redirect(status, "POST");
        CHECK(post->method == "GET");
        CHECK_FALSE(post->keep_body);
        const auto put = next_after_redirect(status, "PUT");
        CHECK(put->method == "PUT");
        CHECK(put->keep_body);
        CHECK(next_after_redirect(status, "GET")->method == "GET");
    }
}

TEST_CASE("307 and 308 keep method and body") {
    for (int status : {307, 308}) {
        for (const char* m : {"POST", "PUT", "GET", "PATCH"}) {
            const auto s = next_after_redirect(status, m);
            CHECK(s->method == m);
            CHECK(s->keep_body);
        }
    }
}
