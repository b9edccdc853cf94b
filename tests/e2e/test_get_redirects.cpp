// -L: which redirects are followed, with which method and body (RFC 9110 §15.4).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "support/process.hpp"
#include "support/scripted_server.hpp"

using namespace netlab::test;

namespace {

std::string redirect(int status, const std::string& location) {
    return "HTTP/1.1 " + std::to_string(status) + " Moved\r\nLocation: " + location +
           "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
}

const std::string ok_body = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\ndone";

std::string method_of(const std::string& request) { return request.substr(0, request.find(' ')); }
std::string target_of(const std::string& request) {
    const auto a = request.find(' ') + 1;
    return request.substr(a, request.find(' ', a) - a);
}
bool has_body(const std::string& request, const std::string& body) {
    return request.size() >= body.size() && request.ends_with("\r\n\r\n" + body);
}

}  // namespace

TEST_CASE("without -L a redirect is the response") {
    scripted_server srv({reply("HTTP/1.1 301 Moved\r\nLocation: /x\r\nContent-Length: 5\r\n\r\nmoved")});
    const auto r = run_netlab({"get", "-m", "10", srv.url()});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "moved");
    CHECK(srv.requests().size() == 1);
}

TEST_CASE("-L follows a chain of relative and absolute Locations") {
    scripted_server target({reply(ok_body)});
    scripted_server srv({reply(redirect(301, "/a/b")), reply(redirect(302, "c?q=1")),
                         reply(redirect(308, target.url("/final")))});
    const auto r = run_netlab({"--json", "get", "-L", "-m", "10", srv.url("/start")});
    CHECK(r.exit_code == 0);
    const auto reqs = srv.requests();
    REQUIRE(reqs.size() == 3);
    CHECK(target_of(reqs[0]) == "/start");
    CHECK(target_of(reqs[1]) == "/a/b");
    CHECK(target_of(reqs[2]) == "/a/c?q=1");
    REQUIRE(target.requests().size() == 1);
    CHECK(target_of(target.requests()[0]) == "/final");
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["redirects"] == 3);
    CHECK(j["url"] == target.url("/final"));
    CHECK(j["status"] == 200);
}

TEST_CASE("303 turns POST into GET and drops the body") {
    scripted_server srv({reply(redirect(303, "/next")), reply(ok_body)});
    const auto r = run_netlab({"get", "-L", "-d", "a=1", "-m", "10", srv.url()});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "done");
    const auto reqs = srv.requests();
    REQUIRE(reqs.size() == 2);
    CHECK(method_of(reqs[0]) == "POST");
    CHECK(has_body(reqs[0], "a=1"));
    CHECK(method_of(reqs[1]) == "GET");
    CHECK(reqs[1].find("Content-Length") == std::string::npos);
}

TEST_CASE("301 and 302 turn POST into GET as curl does") {
    for (int status : {301, 302}) {
        scripted_server srv({reply(redirect(status, "/next")), reply(ok_body)});
        const auto r = run_netlab({"get", "-L", "-d", "a=1", "-m", "10", srv.url()});
        CHECK(r.exit_code == 0);
        REQUIRE(srv.requests().size() == 2);
        CHECK(method_of(srv.requests()[1]) == "GET");
    }
}

TEST_CASE("307 and 308 keep the method and the body") {
    for (int status : {307, 308}) {
        scripted_server srv({reply(redirect(status, "/next")), reply(ok_body)});
        const auto r = run_netlab({"get", "-L", "-X", "PUT", "-d", "payload", "-m", "10", srv.url()});
        CHECK(r.exit_code == 0);
        const auto reqs = srv.requests();
        REQUIRE(reqs.size() == 2);
        CHECK(method_of(reqs[1]) == "PUT");
        CHECK(has_body(reqs[1], "payload"));
    }
}

TEST_CASE("a kept-alive connection is reused for a redirect to the same server") {
    scripted_server srv({{read_request(), send("HTTP/1.1 301 Moved\r\nLocation: /next\r\nContent-Length: 3\r\n\r\nbye"),
                          read_request(), send("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone"), hold()}});
    const auto r = run_netlab({"get", "-L", "-v", "-m", "10", srv.url()});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "done");
    CHECK(srv.connections() == 1);
    CHECK(srv.requests().size() == 2);
    CHECK(r.err.find("re-using connection") != std::string::npos);
}

TEST_CASE("a response sent ahead of the redirected request is never taken as its answer: -L reconnects") {
    // The 302 and a forged answer to the request that -L will send next arrive in one
    // write; bytes beyond a complete response are excess, and the connection goes.
    scripted_server srv({{read_request(),
                          send("HTTP/1.1 302 Found\r\nLocation: /next\r\nContent-Length: 0\r\n\r\n"
                               "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nforged"),
                          hold()},
                         reply("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nreal")});
    const auto r = run_netlab({"get", "-L", "-v", "-m", "10", srv.url()});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "real");
    CHECK(srv.connections() == 2);
    const auto reqs = srv.requests();
    REQUIRE(reqs.size() == 2);
    CHECK(target_of(reqs[1]) == "/next");
    CHECK(r.err.find("* excess data after the response (44 bytes): the connection is closed") != std::string::npos);
    CHECK(r.err.find("re-using connection") == std::string::npos);
}

TEST_CASE("a redirect to an unsupported scheme is exit 1, to a broken Location exit 3") {
    scripted_server other({reply(redirect(301, "ftp://127.0.0.1/"))});
    CHECK(run_netlab({"get", "-L", "-m", "10", other.url()}).exit_code == 1);
    scripted_server broken({reply(redirect(301, "http://[::1/"))});
    CHECK(run_netlab({"get", "-L", "-m", "10", broken.url()}).exit_code == 3);
}

TEST_CASE("credentials are not sent to another host after a redirect") {
    scripted_server other({reply(ok_body)}, "127.0.0.2");
    scripted_server srv({reply(redirect(302, other.url("/x"))), reply(ok_body)});
    std::string url = srv.url();
    url.replace(0, 7, "http://user:secret@");
    const auto r = run_netlab({"get", "-L", "-m", "10", url});
    CHECK(r.exit_code == 0);
    REQUIRE(srv.requests().size() == 1);
    CHECK(srv.requests()[0].find("Authorization: Basic dXNlcjpzZWNyZXQ=") != std::string::npos);
    REQUIRE(other.requests().size() == 1);
    CHECK(other.requests()[0].find("Authorization") == std::string::npos);
}

TEST_CASE("an Authorization or Cookie given with -H is not sent to another host after a redirect") {
    scripted_server other({reply(ok_body)}, "127.0.0.2");
    scripted_server srv({reply(redirect(302, other.url("/x"))), reply(ok_body)});
    const auto r = run_netlab({"get", "-L", "-m", "10", "-H", "Authorization: Bearer T0K3N", "-H", "Cookie: s=1",
                               "-H", "X-Keep: yes", srv.url()});
    CHECK(r.exit_code == 0);
    REQUIRE(srv.requests().size() == 1);
    CHECK(srv.requests()[0].find("Authorization: Bearer T0K3N") != std::string::npos);
    REQUIRE(other.requests().size() == 1);
    CHECK(other.requests()[0].find("T0K3N") == std::string::npos);
    CHECK(other.requests()[0].find("Cookie") == std::string::npos);
    CHECK(other.requests()[0].find("X-Keep: yes") != std::string::npos);
}

TEST_CASE("-i with -L prints every head in order") {
    scripted_server srv({reply(redirect(302, "/next")), reply(ok_body)});
    const auto r = run_netlab({"get", "-L", "-i", "-m", "10", srv.url()});
    CHECK(r.exit_code == 0);
    CHECK(r.out.starts_with("HTTP/1.1 302 Moved\r\n"));
    CHECK(r.out.find("HTTP/1.1 200 OK\r\n") != std::string::npos);
    CHECK(r.out.ends_with("\r\n\r\ndone"));
}

TEST_CASE("a redirect to a port that refuses: the phases are the last request's, not the first one's") {
    const auto refused = "http://127.0.0.1:" + std::to_string(unused_port()) + "/gone";
    scripted_server srv({reply(redirect(302, refused))});
    const auto r = run_netlab({"--json", "get", "-L", "-m", "10", srv.url()});
    CHECK(r.exit_code == 7);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["redirects"] == 1);
    CHECK(j["url"] == refused);
    CHECK(j["time_redirect"].get<double>() > 0);
    CHECK(j["time_namelookup"].get<double>() >= j["time_redirect"].get<double>());
    CHECK(j["time_connect"] == 0);  // refused, as curl writes it
    CHECK(j["time_pretransfer"] == 0);
    CHECK(j["time_starttransfer"] == 0);
    CHECK(j["time_total"].get<double>() >= j["time_namelookup"].get<double>());
}
