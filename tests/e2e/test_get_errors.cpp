// Every exit code of netlab get, each with its one-line message (curl's numbers).
#include <doctest/doctest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "support/netlab_server.hpp"
#include "support/certificates.hpp"
#include "support/process.hpp"
#include "support/scripted_server.hpp"

using namespace netlab::test;

namespace {

bool one_line(const std::string& err) { return !err.empty() && err.find('\n') == err.size() - 1; }

}  // namespace

TEST_CASE("exit 1: schemes other than http and https are unsupported") {
    for (const char* u : {"ftp://127.0.0.1/x", "gopher://127.0.0.1/"}) {
        const auto r = run_netlab({"get", u});
        CHECK(r.exit_code == 1);
        CHECK(one_line(r.err));
        CHECK(r.err.find("(1)") != std::string::npos);
        CHECK(r.err.find("only http:// and https://") != std::string::npos);
    }
}

TEST_CASE("exit 1: a build without TLS says so for https, before any connection") {
    if (netlab_has_tls()) return;  // see e2e_get_tls
    const auto r = run_netlab({"--trace", "get", "https://127.0.0.1:1/"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("this netlab was built without TLS") != std::string::npos);
    CHECK(r.err.find("connect") == std::string::npos);  // no socket step traced
}

TEST_CASE("exit 3: a malformed URL") {
    for (const char* u : {"http://[::1/", "http://host:99999/", "http://a b/", "http://"}) {
        const auto r = run_netlab({"get", u});
        CHECK_MESSAGE(r.exit_code == 3, u);
        CHECK(one_line(r.err));
    }
}

TEST_CASE("exit 6: a host that cannot be resolved") {
    // A 70-character label can never be sent to DNS (RFC 1035 §2.3.4 allows 63), so the
    // resolver fails at once without any traffic leaving the machine.
    const std::string host(70, 'a');
    const auto r = run_netlab({"get", "-m", "10", "http://" + host + ".invalid/"});
    CHECK(r.exit_code == 6);
    CHECK(one_line(r.err));
    CHECK(r.err.find("could not resolve host") != std::string::npos);
}

TEST_CASE("exit 7: an IP literal of the other family than -4 or -6 asks for is named as such (curl's 7)") {
    auto r = run_netlab({"get", "-6", "http://127.0.0.1:1/"});
    CHECK(r.exit_code == 7);
    CHECK(lf_lines(r.err) == "netlab: (7) 127.0.0.1 is an IPv4 address and -6 asks for IPv6\n");
    r = run_netlab({"get", "-4", "http://[::1]:1/"});
    CHECK(r.exit_code == 7);
    CHECK(lf_lines(r.err) == "netlab: (7) ::1 is an IPv6 address and -4 asks for IPv4\n");
}

TEST_CASE("exit 7: nothing listens on the port") {
    const auto r = run_netlab({"get", "-m", "10", "http://127.0.0.1:" + std::to_string(unused_port()) + "/"});
    CHECK(r.exit_code == 7);
    CHECK(one_line(r.err));
    CHECK(r.err.find("connection refused") != std::string::npos);
}

TEST_CASE("exit 18: the body is shorter than Content-Length announced") {
    scripted_server srv({reply("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this")});
    const auto r = run_netlab({"get", "-m", "10", srv.url()});
    CHECK(r.exit_code == 18);
    CHECK(r.out == "only this");  // what did arrive is kept, as curl does
    CHECK(r.err.find("91 bytes remaining") != std::string::npos);
    CHECK(one_line(r.err));
}

TEST_CASE("exit 18: a chunked body that stops before its last chunk") {
    scripted_server srv({reply("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")});
    const auto r = run_netlab({"get", "-m", "10", srv.url()});
    CHECK(r.exit_code == 18);
    CHECK(r.out == "hello");
}

TEST_CASE("exit 22: --fail with a status of 400 or more, and no body printed") {
    scripted_server srv({reply("HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found")});
    auto r = run_netlab({"get", "-f", "-m", "10", srv.url()});
    CHECK(r.exit_code == 22);
    CHECK(r.out.empty());
    CHECK(r.err.find("404") != std::string::npos);
    CHECK(one_line(r.err));
    r = run_netlab({"get", "-m", "10", srv.url()});  // without --fail it is a success
    CHECK(r.exit_code == 0);
    CHECK(r.out == "not found");
}

TEST_CASE("exit 23: an output file whose folder is missing is named with the reason") {
    scripted_server srv({reply("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")});
    temp_dir dir;
    const auto path = dir.path() + "/no/such/folder/file.json";
    const auto r = run_netlab({"get", "-m", "10", "-o", path, srv.url()});
    CHECK(r.exit_code == 23);
    CHECK(lf_lines(r.err) == "netlab: (23) cannot create " + path + ": no such folder\n");
}

TEST_CASE("exit 23: -o naming a folder says so") {
    scripted_server srv({reply("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")});
    temp_dir dir;
    const auto r = run_netlab({"get", "-m", "10", "-o", dir.path(), srv.url()});
    CHECK(r.exit_code == 23);
    CHECK(lf_lines(r.err) == "netlab: (23) cannot create " + dir.path() + ": is a directory\n");
}

TEST_CASE("exit 23: an empty body to a file that cannot be created fails too") {
    scripted_server srv({reply("HTTP/1.1 204 No Content\r\n\r\n")});
    temp_dir dir;
    const auto r = run_netlab({"get", "-m", "10", "-o", dir.path() + "/missing/empty", srv.url()});
    CHECK(r.exit_code == 23);
    CHECK(r.err.find("no such folder") != std::string::npos);
}

TEST_CASE("exit 23: -O with a URL that names no file") {
    const auto r = run_netlab({"get", "-O", "http://127.0.0.1:1/"});
    CHECK(r.exit_code == 23);
}

TEST_CASE("-O with a URL that cannot be fetched reports the URL, not a missing file name") {
    auto r = run_netlab({"get", "-O", "ftp://127.0.0.1/file.txt"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("only http://") != std::string::npos);
    r = run_netlab({"get", "-O", "http://[::1/file.txt"});
    CHECK(r.exit_code == 3);
}

TEST_CASE("exit 28: the server accepts but never answers (--max-time)") {
    scripted_server srv({{hold()}});
    const auto r = run_netlab({"--json", "get", "-m", "0.5", srv.url()}, 20s);
    CHECK(r.exit_code == 28);
    CHECK(r.err.find("timed out") != std::string::npos);
    CHECK(one_line(r.err));
    // netlab's own clock, without process start-up: it gave up at -m, not at the end of
    // the run's deadline (a generous bound: a loaded machine runs the timer late).
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["time_total"].get<double>() >= 0.5);
    CHECK(j["time_total"].get<double>() < 10);
}

TEST_CASE("exit 28: the body stalls halfway (--max-time)") {
    scripted_server srv({{read_request(), send("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"), hold()}});
    const auto r = run_netlab({"get", "-m", "0.5", srv.url()}, 20s);
    CHECK(r.exit_code == 28);
    CHECK(r.out == "abc");
    CHECK(r.err.find("3 bytes received") != std::string::npos);
}

TEST_CASE("exit 28: --max-time holds while stdout is a pipe nobody reads") {
    // Far more than the pipe and the socket buffers hold: the body writes block for good.
    const std::string body(16 * 1024 * 1024, 'x');
    scripted_server srv({{read_request(), send("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) +
                                                "\r\n\r\n" + body),
                          hold()}});
    auto argv = netlab_command();
    for (const char* a : {"get", "-m", "1"}) argv.emplace_back(a);
    argv.push_back(srv.url());
    // Ended by -m, in netlab's own words, well before the run's deadline.
    const auto r = run_with_stdout_unread(argv, 30s);
    CHECK_FALSE(r.timed_out);
    CHECK(r.exit_code == 28);
    CHECK(r.err.find("operation timed out after 1000 ms") != std::string::npos);
    CHECK(one_line(r.err));
}

TEST_CASE("exit 28: the connection is never accepted (--connect-timeout)") {
    full_backlog_listener silent;
    const auto r = run_netlab({"--json", "get", "--connect-timeout", "0.4", "http://127.0.0.1:" + std::to_string(silent.port()) + "/"}, 20s);
    CHECK(r.exit_code == 28);
    CHECK(r.err.find("timed out") != std::string::npos);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["time_total"].get<double>() >= 0.4);
    CHECK(j["time_total"].get<double>() < 10);
}

TEST_CASE("exit 47: a redirect loop stops at --max-redirs") {
    scripted_server srv({reply("HTTP/1.1 302 Found\r\nLocation: /again\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")});
    const auto r = run_netlab({"get", "-L", "--max-redirs", "3", "-m", "10", srv.url()});
    CHECK(r.exit_code == 47);
    CHECK(r.err.find("maximum (3) redirects") != std::string::npos);
    CHECK(srv.requests().size() == 4);  // the first request and three redirects
}

TEST_CASE("exit 52: the server closes without a byte") {
    scripted_server srv({{read_request(), close_connection()}});
    const auto r = run_netlab({"get", "-m", "10", srv.url()});
    CHECK(r.exit_code == 52);
    CHECK(r.err.find("empty reply") != std::string::npos);
    CHECK(one_line(r.err));
}

TEST_CASE("exit 55: the server resets the connection while the request body is still being sent") {
    // 32 MiB cannot fit in loopback's socket buffers, so the reset arrives while get is
    // still writing: curl's "(55) Send failure: Connection reset by peer".
    temp_dir dir;
    const auto body = dir.write("body.bin", std::string(32 * 1024 * 1024, 'b'));
    scripted_server srv({{pause(100ms), reset_connection()}});
    const auto r = run_netlab({"get", "-m", "20", "-d", "@" + body, srv.url()});
    CHECK(r.exit_code == 55);
    CHECK(r.err.find("(55) send failure: ") != std::string::npos);
    CHECK(one_line(r.err));
    const auto j = run_netlab({"--json", "get", "-m", "20", "-d", "@" + body, srv.url()});
    CHECK(j.exit_code == 55);
    const auto o = nlohmann::json::parse(j.out);
    CHECK(o["error"] == "send_error");
    CHECK(o["exit_code"] == 55);
}

TEST_CASE("exit 56: garbage instead of HTTP") {
    scripted_server srv({reply("SSH-2.0-OpenSSH_9.2\r\n")});
    const auto r = run_netlab({"get", "-m", "10", srv.url()});
    CHECK(r.exit_code == 56);
    CHECK(r.err.find("malformed response") != std::string::npos);
    CHECK(one_line(r.err));
}

TEST_CASE("exit 56: a response head beyond the 64 KiB limit") {
    std::string head = "HTTP/1.1 200 OK\r\n";
    while (head.size() < 80 * 1024) head += "X-Filler: " + std::string(1000, 'x') + "\r\n";
    scripted_server srv({{read_request(), send(head), hold()}});
    const auto r = run_netlab({"get", "-m", "10", srv.url()});
    CHECK(r.exit_code == 56);
    CHECK(r.err.find("65536") != std::string::npos);
}

TEST_CASE("exit 56: the connection is reset in the middle of the body") {
    scripted_server srv({{read_request(), send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial"), pause(100ms),
                          reset_connection()}});
    const auto r = run_netlab({"get", "-m", "10", srv.url()});
    CHECK(r.exit_code == 56);
    CHECK(r.err.find("reset") != std::string::npos);
}

TEST_CASE("exit 56: broken chunked framing") {
    scripted_server srv({reply("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n")});
    const auto r = run_netlab({"get", "-m", "10", srv.url()});
    CHECK(r.exit_code == 56);
    CHECK(r.err.find("chunked") != std::string::npos);
}

TEST_CASE("-s silences the error message, -S brings it back, the exit code stays") {
    const std::string url = "http://127.0.0.1:" + std::to_string(unused_port()) + "/";
    auto r = run_netlab({"get", "-s", url});
    CHECK(r.exit_code == 7);
    CHECK(r.err.empty());
    r = run_netlab({"get", "-s", "-S", url});
    CHECK(r.exit_code == 7);
    CHECK(one_line(r.err));
}

TEST_CASE("with --json a failure is still one JSON object with the exit code and error name") {
    const auto r = run_netlab({"--json", "get", "http://127.0.0.1:" + std::to_string(unused_port()) + "/"});
    CHECK(r.exit_code == 7);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["ok"] == false);
    CHECK(j["exit_code"] == 7);
    CHECK(j["error"] == "cannot_connect");
}

TEST_CASE("exit 63: a Content-Length over --max-filesize is refused before any body byte") {
    const std::string body(1000, 'x');
    scripted_server srv({reply("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + body)});
    auto r = run_netlab({"get", "--max-filesize", "999", "-m", "10", srv.url()});
    CHECK(r.exit_code == 63);
    CHECK(r.out.empty());
    CHECK(lf_lines(r.err) == "netlab: (63) maximum file size exceeded: the response announces 1000 bytes, the limit is 999\n");
    r = run_netlab({"get", "--max-filesize", "1000", "-m", "10", srv.url()});  // the limit itself is allowed
    CHECK(r.exit_code == 0);
    CHECK(r.out == body);
    r = run_netlab({"get", "-I", "--max-filesize", "10", "-m", "10", srv.url()});  // HEAD has no body to limit
    CHECK(r.exit_code == 0);
}

TEST_CASE("exit 63: a body of unknown length that grows past --max-filesize is cut at the limit, without -m") {
    // Chunked and close-delimited bodies that never end: the limit alone stops them.
    std::string chunks = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 100; ++i) chunks += "400\r\n" + std::string(1024, 'c') + "\r\n";
    scripted_server chunked({{read_request(), send(chunks), hold()}});
    scripted_server until_close({{read_request(), send("HTTP/1.0 200 OK\r\n\r\n" + std::string(100 * 1024, 'u')), hold()}});
    for (const auto* srv : {&chunked, &until_close}) {
        const auto r = run_netlab({"get", "--max-filesize", "10K", srv->url()}, 20s);
        CHECK(r.exit_code == 63);
        CHECK(r.out.size() == 10240);  // what is within the limit is kept, as curl does
        CHECK(lf_lines(r.err) == "netlab: (63) exceeded the maximum allowed file size (10240) with 10240 bytes\n");
    }
}

TEST_CASE("--max-filesize counts the final body only: a redirect's body is not the file") {
    scripted_server srv({reply("HTTP/1.1 302 Found\r\nLocation: /next\r\nContent-Length: 5000\r\nConnection: close\r\n\r\n" +
                               std::string(5000, 'r')),
                         reply("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone")});
    const auto r = run_netlab({"--json", "get", "-L", "--max-filesize", "4", "-o", "/dev/null", "-m", "10", srv.url()});
    CHECK(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["size_download"] == 4);
}

TEST_CASE("with --json the size limit is the error filesize_exceeded") {
    scripted_server srv({reply("HTTP/1.1 200 OK\r\nContent-Length: 2048\r\n\r\n" + std::string(2048, 'x'))});
    const auto r = run_netlab({"--json", "get", "--max-filesize", "1k", "-m", "10", srv.url()});
    CHECK(r.exit_code == 63);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["error"] == "filesize_exceeded");
    CHECK(j["exit_code"] == 63);
    CHECK(j["size_download"] == 0);
}

TEST_CASE("exit 2: bad option values are usage errors before any connection") {
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"get", "--max-redirs", "x", "http://127.0.0.1/"},
             {"get", "-H", "no colon", "http://127.0.0.1/"},
             {"get", "-H", "X: a\r\nY: b", "http://127.0.0.1/"},
             {"get", "-X", "GET /evil", "http://127.0.0.1/"},
             {"get", "-4", "-6", "http://127.0.0.1/"},
             {"get", "-m", "-1", "http://127.0.0.1/"},
             {"get", "-I", "-d", "x", "http://127.0.0.1/"},
             {"get", "--max-filesize", "abc", "http://127.0.0.1/"},
             {"get", "--max-filesize", "10X", "http://127.0.0.1/"},
             {"get", "--max-filesize", "-1", "http://127.0.0.1/"},
             {"get"},
         }) {
        const auto r = run_netlab(args);
        const std::string what = args.size() > 1 ? args[1] : "no url";
        CHECK_MESSAGE(r.exit_code == 2, what);
        CHECK(one_line(r.err));
    }
}

TEST_CASE("exit 23: a reader that goes away is named with the broken pipe") {
    scripted_server srv({reply("HTTP/1.1 200 OK\r\nContent-Length: 3000000\r\n\r\n" + std::string(3000000, 'x'))});
    std::string line;
    for (const auto& a : netlab_command()) line += "'" + a + "' ";
    line += "get -m 10 " + srv.url() + " | head -c 10 >/dev/null; exit ${PIPESTATUS[0]}";
    const auto r = run({"bash", "-c", line});
    CHECK(r.exit_code == 23);
    CHECK(r.err.starts_with("netlab: (23) cannot write to stdout: "));
    CHECK(one_line(r.err));
}
