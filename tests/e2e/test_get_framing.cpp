// netlab get against scripted servers: every way a response body can be delimited.
#include <doctest/doctest.h>

#include <string>

#include "support/process.hpp"
#include "support/scripted_server.hpp"

using namespace netlab::test;

namespace {

std::string binary_bytes() {
    std::string s;
    for (int i = 0; i < 3000; ++i) s += static_cast<char>((i * 7) % 256);  // NUL, CR, LF, 0x1A, high bytes
    return s;
}

}  // namespace

TEST_CASE("a Content-Length body reaches stdout byte for byte") {
    const auto body = binary_bytes();
    scripted_server srv({reply("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body)});
    const auto r = run_netlab({"get", "-m", "10", srv.url("/bin")});
    CHECK(r.exit_code == 0);
    CHECK(r.out == body);
    CHECK(r.err.empty());
    REQUIRE(srv.requests().size() == 1);
    CHECK(srv.requests()[0].starts_with("GET /bin HTTP/1.1\r\n"));
}

TEST_CASE("a chunked body with extensions and trailers is decoded") {
    scripted_server srv({reply("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                               "5;name=value\r\nhello\r\n1\r\n,\r\n6\r\n world\r\n0\r\nX-Checksum: abc\r\nX-More: 1\r\n\r\n")});
    const auto r = run_netlab({"get", "-m", "10", srv.url()});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "hello, world");
}

TEST_CASE("a chunked body does not wait for the connection to close") {
    scripted_server srv({{read_request(),
                          send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"), hold()}});
    const auto r = run_netlab({"get", "-m", "5", srv.url()});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "abc");
}

TEST_CASE("a body without length or chunking ends when the server closes") {
    scripted_server srv({{read_request(), send("HTTP/1.0 200 OK\r\n\r\npart one, "), pause(100ms), send("part two"),
                          close_connection()}});
    const auto r = run_netlab({"get", "-m", "10", srv.url()});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "part one, part two");
}

TEST_CASE("HEAD, 204 and 304 have no body even when Content-Length says otherwise") {
    for (const char* status : {"204 No Content", "304 Not Modified"}) {
        scripted_server srv({{read_request(),
                              send(std::string("HTTP/1.1 ") + status + "\r\nContent-Length: 100\r\n\r\n"), hold()}});
        const auto r = run_netlab({"get", "-m", "5", srv.url()});
        CHECK_MESSAGE(r.exit_code == 0, status);
        CHECK(r.out.empty());
    }
    scripted_server srv({{read_request(), send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"), hold()}});
    const auto r = run_netlab({"get", "-I", "-m", "5", srv.url()});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n");
    REQUIRE(srv.requests().size() == 1);
    CHECK(srv.requests()[0].starts_with("HEAD / HTTP/1.1\r\n"));
}

TEST_CASE("1xx interim responses are skipped, and shown with -v") {
    scripted_server srv({reply("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n"
                               "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody")});
    const auto r = run_netlab({"get", "-v", "-i", "-m", "10", srv.url()});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody");
    CHECK(r.err.find("< HTTP/1.1 100 Continue") != std::string::npos);
    CHECK(r.err.find("< HTTP/1.1 103 Early Hints") != std::string::npos);
    CHECK(r.err.find("> GET / HTTP/1.1") != std::string::npos);
    CHECK(r.err.find("* connected to 127.0.0.1 (127.0.0.1) port") != std::string::npos);
}

TEST_CASE("-i prints the head as received before the body") {
    scripted_server srv({reply("HTTP/1.1 200 OK\r\nX-Test: yes\r\nContent-Length: 2\r\n\r\nhi")});
    const auto r = run_netlab({"get", "-i", "-m", "10", srv.url()});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "HTTP/1.1 200 OK\r\nX-Test: yes\r\nContent-Length: 2\r\n\r\nhi");
}

TEST_CASE("a body split into many small writes arrives whole") {
    script s{read_request(), send("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n")};
    for (char c = '0'; c <= '9'; ++c) {
        s.push_back(pause(20ms));
        s.push_back(send(std::string(1, c)));
    }
    s.push_back(close_connection());
    scripted_server srv({s});
    const auto r = run_netlab({"get", "-m", "10", srv.url()});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "0123456789");
}

TEST_CASE("bytes beyond a complete response are not body: -v says excess data") {
    scripted_server srv({{read_request(), send("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbodyEXTRA"), hold()}});
    const auto r = run_netlab({"get", "-v", "-m", "10", srv.url()});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "body");
    CHECK(r.err.find("* excess data after the response (5 bytes): the connection is closed") != std::string::npos);
}
