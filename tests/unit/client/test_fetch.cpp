// The pure parts of the transfer: names and URLs shown back to the user.
#include <doctest/doctest.h>

#include "client/fetch.hpp"

using namespace netlab::client;

TEST_CASE("the -O name is the URL's last path segment, never a path") {
    CHECK(remote_file_name("http://h/dir/file.tar.gz?x=1#f") == "file.tar.gz");
    CHECK(remote_file_name("http://h/a%20b") == "a%20b");
    CHECK(remote_file_name("http://h/") == "");
    CHECK(remote_file_name("http://h") == "");
    CHECK(remote_file_name("http://h/dir/") == "");
    CHECK(remote_file_name("http://h/a\\b") == "");
    CHECK(remote_file_name("http://h/c:evil") == "");
}

TEST_CASE("a URL shown back keeps what was typed except the credentials") {
    CHECK(without_credentials("https://example.com/x?y=1") == "https://example.com/x?y=1");
    CHECK(without_credentials("https://user:secret@example.com/x") == "https://example.com/x");
    CHECK(without_credentials("http://a@b:pw@[::1]:8080/") == "http://[::1]:8080/");
    CHECK(without_credentials("user:pw@host/p") == "host/p");  // no scheme: curl's http
    CHECK(without_credentials("http://host/path@not-userinfo") == "http://host/path@not-userinfo");
    CHECK(without_credentials("http://host?q=a@b") == "http://host?q=a@b");
    CHECK(without_credentials("") == "");
}

TEST_CASE("a head's fields grouped as curl's header_json: lower-case names, values in order") {
    const std::vector<std::pair<std::string, std::string>> head{
        {"Content-Type", "text/plain"}, {"Set-Cookie", "a=1"}, {"X-One", ""}, {"set-cookie", "b=2"}};
    const auto g = headers_by_name(head);
    REQUIRE(g.size() == 3);
    CHECK(g[0].first == "content-type");
    CHECK(g[0].second == std::vector<std::string>{"text/plain"});
    CHECK(g[1].first == "set-cookie");
    CHECK(g[1].second == std::vector<std::string>{"a=1", "b=2"});
    CHECK(g[2].first == "x-one");
    CHECK(g[2].second == std::vector<std::string>{""});
    CHECK(headers_by_name({}).empty());
}
