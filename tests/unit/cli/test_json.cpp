#include <doctest/doctest.h>

#include "cli/json.hpp"

using netlab::cli::json_object;

TEST_CASE("json object keeps field order and types") {
    json_object o;
    o.add("event", "listening").add("port", 8080).add("ok", true).add("ratio", 0.5).add_null("none");
    CHECK(o.str() == R"({"event":"listening","port":8080,"ok":true,"ratio":0.5,"none":null})");
}

TEST_CASE("json strings escape quotes, backslashes and control characters") {
    json_object o;
    o.add("s", std::string_view("a\"b\\c\n\t\x01", 8));
    CHECK(o.str() == R"({"s":"a\"b\\c\n\t\u0001"})");
}

TEST_CASE("json strings keep valid UTF-8 and replace invalid bytes") {
    json_object o;
    o.add("ok", "caf\xc3\xa9").add("bad", "x\xff\xc0\xafy").add("cut", "\xe2\x82");
    CHECK(o.str() == "{\"ok\":\"caf\xc3\xa9\",\"bad\":\"x\\ufffd\\ufffd\\ufffdy\",\"cut\":\"\\ufffd\\ufffd\"}");
}

TEST_CASE("json numbers that are not finite become null") {
    json_object o;
    o.add("x", 1.0 / 0.0);
    CHECK(o.str() == R"({"x":null})");
}

TEST_CASE("an empty json object") { CHECK(json_object{}.str() == "{}"); }
