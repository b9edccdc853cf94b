// What the request looks like for each option, and the output options (-o, -O, --json,
// --timing, --trace).
#include <doctest/doctest.h>

#include <csignal>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "support/netlab_server.hpp"
#include "support/process.hpp"
#include "support/scripted_server.hpp"

using namespace netlab::test;

namespace {

constexpr const char* ok = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello";

std::string file_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string shell_quote(const std::string& s) { return "'" + s + "'"; }

}  // namespace

TEST_CASE("default request: GET with Host, User-Agent netlab, Accept") {
    scripted_server srv({reply(ok)});
    REQUIRE(run_netlab({"get", "-m", "10", srv.url("/p?q=%41")}).exit_code == 0);
    const auto req = srv.requests().at(0);
    CHECK(req.starts_with("GET /p?q=%41 HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(srv.port()) + "\r\n"));
    CHECK(req.find("\r\nUser-Agent: netlab/") != std::string::npos);
    CHECK(req.find("\r\nAccept: */*\r\n") != std::string::npos);
}

TEST_CASE("-X, -H, -A and -d shape the request") {
    scripted_server srv({reply(ok)});
    const auto r = run_netlab({"get", "-X", "PATCH", "-H", "X-One: 1", "-H", "X-Two: two", "-H", "Accept:", "-A",
                               "probe/2", "-d", "a=1", "-d", "b=2", "-m", "10", srv.url()});
    CHECK(r.exit_code == 0);
    const auto req = srv.requests().at(0);
    CHECK(req.starts_with("PATCH / HTTP/1.1\r\n"));
    CHECK(req.find("\r\nX-One: 1\r\nX-Two: two\r\n") != std::string::npos);
    CHECK(req.find("Accept") == std::string::npos);
    CHECK(req.find("\r\nUser-Agent: probe/2\r\n") != std::string::npos);
    CHECK(req.find("\r\nContent-Type: application/x-www-form-urlencoded\r\n") != std::string::npos);
    CHECK(req.ends_with("\r\nContent-Length: 7\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\na=1&b=2"));
}

TEST_CASE("curl's everyday line: -H before the URL and -o after it (a repeatable option takes one value per use)") {
    temp_dir dir;
    scripted_server srv({reply(ok)});
    const auto out = dir.path() + "/out.json";
    auto r = run_netlab({"get", "-H", "Accept: application/json", srv.url("/x"), "-o", out, "-m", "10"});
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(file_text(out) == "hello");
    REQUIRE(srv.wait_for_requests(1));
    CHECK(srv.requests().at(0).starts_with("GET /x HTTP/1.1\r\n"));
    CHECK(srv.requests().at(0).find("\r\nAccept: application/json\r\n") != std::string::npos);

    // The --name=value spelling, and every repeatable option of get before the URL.
    r = run_netlab({"get", "--header=X-One: 1", "-d", "a=1", "--resolve", "example.test:80:127.0.0.1", "-H", "X-Two: 2",
                    srv.url("/y"), "-o", out, "-m", "10"});
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    REQUIRE(srv.wait_for_requests(2));
    const auto req = srv.requests().at(1);
    CHECK(req.starts_with("POST /y HTTP/1.1\r\n"));
    CHECK(req.find("\r\nX-One: 1\r\nX-Two: 2\r\n") != std::string::npos);
    CHECK(req.ends_with("\r\n\r\na=1"));
}

TEST_CASE("-d @file sends the file without its line ends, as curl does, a given Content-Type wins") {
    temp_dir dir;
    const auto path = dir.write("body.json", "{\"a\":\n 1}\r\n");
    scripted_server srv({reply(ok)});
    REQUIRE(run_netlab({"get", "-d", "@" + path, "-H", "Content-Type: application/json", "-m", "10", srv.url()})
                .exit_code == 0);
    const auto req = srv.requests().at(0);
    CHECK(req.starts_with("POST / HTTP/1.1\r\n"));
    CHECK(req.find("x-www-form-urlencoded") == std::string::npos);
    CHECK(req.ends_with("\r\n\r\n{\"a\": 1}"));
}

TEST_CASE("-d @file that does not exist is a usage error naming the file and the reason") {
    const auto r = run_netlab({"get", "-d", "@/no/such/file", "http://127.0.0.1:1/"});
    CHECK(r.exit_code == 2);
    CHECK(lf_lines(r.err) == "netlab: cannot read data file '/no/such/file': no such file or directory\n");
}

TEST_CASE("userinfo in the URL is sent as Basic credentials") {
    scripted_server srv({reply(ok)});
    std::string url = srv.url();
    url.replace(0, 7, "http://Aladdin:open%20sesame@");
    REQUIRE(run_netlab({"get", "-m", "10", url}).exit_code == 0);
    CHECK(srv.requests().at(0).find("\r\nAuthorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n") != std::string::npos);
}

TEST_CASE("an IPv6 literal URL connects over ::1") {
    scripted_server srv({reply(ok)}, "::1");
    const auto r = run_netlab({"get", "-v", "-m", "10", srv.url()});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "hello");
    CHECK(srv.requests().at(0).find("\r\nHost: [::1]:" + std::to_string(srv.port()) + "\r\n") != std::string::npos);
}

TEST_CASE("localhost tries ::1 and 127.0.0.1, -4 and -6 pick one") {
    scripted_server v4({reply(ok)});
    const std::string url = "http://localhost:" + std::to_string(v4.port()) + "/";
    auto r = run_netlab({"get", "-v", "-m", "10", url});
    CHECK(r.exit_code == 0);  // ::1 refused (nothing there), then IPv4
    CHECK(r.out == "hello");
    CHECK(r.err.find("* trying [::1]:") != std::string::npos);
    r = run_netlab({"get", "-6", "-m", "10", url});
    CHECK(r.exit_code == 7);
    r = run_netlab({"get", "-4", "-v", "-m", "10", url});
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("[::1]") == std::string::npos);
}

TEST_CASE("-o writes the body to a file and nothing to stdout") {
    scripted_server srv({reply(ok)});
    temp_dir dir;
    const auto r = run_netlab({"get", "-o", dir.path() + "/out.txt", "-m", "10", srv.url()});
    CHECK(r.exit_code == 0);
    CHECK(r.out.empty());
    CHECK(file_text(dir.path() + "/out.txt") == "hello");
}

TEST_CASE("-O names the file after the URL's last segment, in the working folder") {
    scripted_server srv({reply(ok)});
    temp_dir dir;
    auto cmd = netlab_command();
    std::string line = "cd " + shell_quote(dir.path()) + " && exec";
    for (const auto& c : cmd) line += " " + shell_quote(c);
    line += " get -O -m 10 " + shell_quote(srv.url("/files/report.txt?x=1"));
    const auto r = run({"sh", "-c", line});
    CHECK(r.exit_code == 0);
    CHECK(file_text(dir.path() + "/report.txt") == "hello");
}

TEST_CASE("--json prints one object with status, size, speed and curl's timing names, the body is not printed") {
    scripted_server srv({reply(ok)});
    const auto r = run_netlab({"--json", "get", "--timing", "-m", "10", srv.url()});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find('\n') == r.out.size() - 1);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["event"] == "get");
    CHECK(j["status"] == 200);
    CHECK(j["size_download"] == 5);
    CHECK(j["content_type"] == "text/plain");
    CHECK(j["speed_download"].get<double>() >= 0);
    for (const char* f : {"time_namelookup", "time_connect", "time_pretransfer", "time_starttransfer", "time_total"})
        CHECK_MESSAGE(j.contains(f), f);
    CHECK(j["time_namelookup"].get<double>() <= j["time_connect"].get<double>());
    CHECK(j["time_connect"].get<double>() <= j["time_starttransfer"].get<double>());
    CHECK(j["time_starttransfer"].get<double>() <= j["time_total"].get<double>());
    CHECK(j["time_total"].get<double>() < 10);
}

TEST_CASE("--timing draws the phases on stderr, the body stays alone on stdout") {
    scripted_server srv({{read_request(), pause(50ms), send(ok), close_connection()}});
    const auto r = run_netlab({"get", "--timing", "--color", "never", "-m", "10", srv.url()});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "hello");
    for (const char* label : {"DNS lookup", "TCP connect", "request sent", "first byte", "body", "total"})
        CHECK_MESSAGE(r.err.find(label) != std::string::npos, label);
    CHECK(r.err.find("\u2588") != std::string::npos);
    CHECK(r.err.find("\x1b[") == std::string::npos);  // no colour when told so
}

TEST_CASE("--trace shows socket, connect, send, recv and close in that order") {
    scripted_server srv({reply(ok)});
    const auto r = run_netlab({"get", "--trace", "--color", "never", "-m", "10", srv.url()});
    CHECK(r.exit_code == 0);
    std::size_t at = 0;
    for (const char* step : {"socket", "connect", "send", "recv", "close"}) {
        const auto found = r.err.find(std::string("trace ") + step, at);
        CHECK_MESSAGE(found != std::string::npos, step);
        if (found != std::string::npos) at = found;
    }
}

TEST_CASE("no progress bar when stderr is not a terminal") {
    std::string body(300000, 'x');
    script s{read_request(), send("HTTP/1.1 200 OK\r\nContent-Length: 300000\r\n\r\n")};
    for (int i = 0; i < 12; ++i) {  // about 1.2 s
        s.push_back(pause(100ms));
        s.push_back(send(body.substr(static_cast<std::size_t>(i) * 25000, 25000)));
    }
    s.push_back(close_connection());
    scripted_server srv({s});
    temp_dir dir;
    const auto r = run_netlab({"get", "-o", dir.path() + "/big", "-m", "20", srv.url()});
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK(file_text(dir.path() + "/big").size() == 300000);
}

namespace {

// The figure at the end of the chart's "total" line and the one after "in" on the
// summary line, as printed ("25.5 ms").
std::string chart_total(const std::string& err) {
    const auto at = err.find("  total ");
    if (at == std::string::npos) return {};
    const auto end = err.find('\n', at);
    auto line = err.substr(at, end == std::string::npos ? std::string::npos : end - at);
    const auto figure = line.find_first_not_of(' ', std::string("  total").size());
    return figure == std::string::npos ? std::string() : line.substr(figure);
}

std::string summary_total(const std::string& err) {
    const auto in = err.find(" in ");
    if (in == std::string::npos) return {};
    const auto end = err.find("  ", in + 4);
    return err.substr(in + 4, end - in - 4);
}

}  // namespace

TEST_CASE("--timing: the summary's time is the chart's total") {
    scripted_server srv({{read_request(), pause(30ms), send(ok), close_connection()}});
    const auto r = run_netlab({"get", "--timing", "--color", "never", "-m", "10", srv.url()});
    CHECK(r.exit_code == 0);
    const auto err = lf_lines(r.err);
    const auto total = chart_total(err);
    REQUIRE_FALSE(total.empty());
    CHECK(summary_total(err) == total);
    CHECK(err.find("5 B in " + total) != std::string::npos);
}

TEST_CASE("--json: speed_download is size_download divided by time_total, as curl's") {
    scripted_server srv({{read_request(), pause(30ms), send(ok), close_connection()}});
    const auto r = run_netlab({"--json", "get", "-m", "10", srv.url()});
    CHECK(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    const double total = j["time_total"];
    REQUIRE(total > 0.03);
    CHECK(j["speed_download"].get<double>() == doctest::Approx(5.0 / total).epsilon(1e-9));
}

TEST_CASE("--timing after a refused connect shows the phases that happened and the error only") {
    const auto r = run_netlab({"get", "--timing", "--color", "never", "http://127.0.0.1:" + std::to_string(unused_port()) + "/"});
    CHECK(r.exit_code == 7);
    CHECK(r.err.find("DNS lookup") != std::string::npos);
    CHECK(r.err.find("TCP connect") != std::string::npos);
    CHECK(r.err.find("total") != std::string::npos);
    for (const char* absent : {"request sent", "first byte", "body", " from ", "0 B in"})
        CHECK_MESSAGE(r.err.find(absent) == std::string::npos, absent);
    CHECK(lf_lines(r.err).ends_with("connection refused\n"));
}

TEST_CASE("--timing after --fail draws no body phase but says what came back") {
    scripted_server srv({reply("HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found")});
    const auto r = run_netlab({"get", "-f", "--timing", "--color", "never", "-m", "10", srv.url()});
    CHECK(r.exit_code == 22);
    CHECK(r.err.find("first byte") != std::string::npos);
    CHECK(r.err.find("body") == std::string::npos);
    CHECK(r.err.find("404 " + srv.url()) != std::string::npos);
}

TEST_CASE("--timing with a URL rejected before any connection prints only the error") {
    const auto r = run_netlab({"get", "--timing", "ftp://127.0.0.1/"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("total") == std::string::npos);
    CHECK(r.err.find('\n') == r.err.size() - 1);
}

TEST_CASE("--json keeps a rejected URL as given, without its credentials") {
    auto r = run_netlab({"--json", "get", "ftp://127.0.0.1/x?y=1"});
    CHECK(r.exit_code == 1);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["url"] == "ftp://127.0.0.1/x?y=1");
    CHECK(j["error"] == "unsupported_protocol");
    r = run_netlab({"--json", "get", "ftp://user:secret@127.0.0.1/"});
    j = nlohmann::json::parse(r.out);
    CHECK(j["url"] == "ftp://127.0.0.1/");
    CHECK(r.out.find("secret") == std::string::npos);
}

TEST_CASE("-i with --json puts the head in a headers field shaped as curl's header_json") {
    scripted_server srv({reply("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\n"
                               "Content-Length: 5\r\n\r\nhello")});
    const auto r = run_netlab({"--json", "get", "-i", "-m", "10", srv.url()});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find('\n') == r.out.size() - 1);  // one JSON line, no head or body beside it
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["headers"]["content-type"] == nlohmann::json::array({"text/plain"}));
    CHECK(j["headers"]["set-cookie"] == nlohmann::json::array({"a=1", "b=2"}));
    CHECK(j["headers"]["content-length"] == nlohmann::json::array({"5"}));
}

TEST_CASE("-I with --json has the headers too, and without -i or -I there are none") {
    scripted_server srv({reply("HTTP/1.1 200 OK\r\nX-Kind: head\r\nContent-Length: 5\r\n\r\n")});
    auto r = run_netlab({"--json", "get", "-I", "-m", "10", srv.url()});
    CHECK(r.exit_code == 0);
    CHECK(nlohmann::json::parse(r.out)["headers"]["x-kind"] == nlohmann::json::array({"head"}));
    scripted_server plain({reply(ok)});
    r = run_netlab({"--json", "get", "-m", "10", plain.url()});
    CHECK_FALSE(nlohmann::json::parse(r.out).contains("headers"));
}

TEST_CASE("-i with -o writes the head into the file before the body, as curl does") {
    scripted_server srv({reply(ok)});
    temp_dir dir;
    const auto r = run_netlab({"get", "-i", "-o", dir.path() + "/page", "-m", "10", srv.url()});
    CHECK(r.exit_code == 0);
    CHECK(r.out.empty());
    CHECK(file_text(dir.path() + "/page") == ok);
}

TEST_CASE("--json with -o - is a usage error: stdout carries the JSON") {
    const auto r = run_netlab({"--json", "get", "-o", "-", "http://127.0.0.1:1/"});
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err.find("-o FILE") != std::string::npos);
}

TEST_CASE("a stop signal ends get with exit 130, the JSON says interrupted") {
    scripted_server srv({{read_request(), hold()}});
    auto c = child::start([&] {
        auto argv = netlab_command();
        for (const char* a : {"--json", "get", "-m", "60"}) argv.emplace_back(a);
        argv.push_back(srv.url());
        return argv;
    }());
    // The whole request has arrived: netlab waits for an answer that never comes.
    REQUIRE(srv.wait_for_requests(1, 20s));
    c.send_signal(SIGINT);
    CHECK(c.wait(20s) == 130);
    const auto j = nlohmann::json::parse(c.stdout_rest());
    CHECK(j["error"] == "interrupted");
    CHECK(j["exit_code"] == 130);
    CHECK(j["time_starttransfer"] == 0);
    CHECK(lf_lines(c.stderr_text()) == "netlab: (130) interrupted\n");
}
