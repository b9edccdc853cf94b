#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "client/post_data.hpp"
#include "scratch_dir.hpp"

using namespace netlab::client;
using netlab::test::scratch_dir;

TEST_CASE("several -d are joined with '&', as given") {
    std::string why;
    const std::vector<std::string> args{"a=1", "b=two words", ""};
    CHECK(post_data(args, why) == "a=1&b=two words&");
}

TEST_CASE("-d @file sends the file's bytes without CR and LF") {
    scratch_dir dir;
    const std::string content("{\"a\":\r\n 1}\n\0x", 13);  // a NUL is kept
    const std::vector<std::string> args{"@" + dir.write("body.json", content), "z=1"};
    std::string why;
    const auto body = post_data(args, why);
    REQUIRE(body);
    CHECK(*body == std::string("{\"a\": 1}\0x&z=1", 14));
}

TEST_CASE("-d @file that cannot be read names the file and the reason") {
    scratch_dir dir;
    std::string why;
    const std::vector<std::string> missing{"@" + dir.file("nope.txt")};
    CHECK_FALSE(post_data(missing, why));
    CHECK(why == "cannot read data file '" + dir.file("nope.txt") + "': no such file or directory");

    const std::vector<std::string> folder{"@" + dir.path().string()};
    CHECK_FALSE(post_data(folder, why));
    CHECK(why.ends_with(": is a directory"));  // on every OS
}
