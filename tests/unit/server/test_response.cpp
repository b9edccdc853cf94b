#include <doctest/doctest.h>

#include "server/response.hpp"
#include "server/stock_replies.hpp"

using namespace netlab::server;

TEST_CASE("a response head has the status line, Server and Date first") {
    std::string head;
    head_builder(head, 404).field("Content-Length", std::uint64_t{12});
    finish_head(head, true, false);
    CHECK(head.rfind("HTTP/1.1 404 Not Found\r\nServer: netlab\r\nDate: ", 0) == 0);
    CHECK(head.find("\r\nContent-Length: 12\r\nConnection: close\r\n\r\n") != std::string::npos);
}

TEST_CASE("HTTP/1.0 keep-alive is said explicitly") {
    std::string head;
    head_builder(head, 200);
    finish_head(head, false, true);
    CHECK(head.find("Connection: keep-alive\r\n\r\n") != std::string::npos);
}

TEST_CASE("the Date header is an IMF-fixdate") {
    const auto d = current_http_date();
    CHECK(d.size() == 29);
    CHECK(d.substr(25) == " GMT");
}

TEST_CASE("stock replies have reasons and pages for error statuses") {
    CHECK(reason_phrase(431) == "Request Header Fields Too Large");
    CHECK(reason_phrase(505) == "HTTP Version Not Supported");
    CHECK(stock_body(404).find("404 Not Found") != std::string_view::npos);
    CHECK(stock_body(200).empty());
    CHECK(reason_phrase(599) == "Unknown");
}
