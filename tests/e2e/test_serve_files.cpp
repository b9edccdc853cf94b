// serve-http serving files, seen by curl: headers, HEAD, byte ranges, conditional
// requests, and a large file that must arrive byte for byte.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <thread>

#include "support/http_peers.hpp"
#include "support/loopback.hpp"
#include "support/netlab_server.hpp"
#include "support/peers.hpp"

using namespace netlab::test;

namespace {

const std::string hello = "Hello, netlab! 0123456789 abcdefghij\n";  // 37 bytes

struct site {
    temp_dir dir;
    netlab_server server;
    explicit site(const std::vector<std::string>& args = {}) {
        dir.write("hello.txt", hello);
        dir.write("page.html", "<!DOCTYPE html><title>t</title>\n");
        dir.write("data.json", "{\"a\":1}\n");
        server = start_server(dir.path(), args);
    }
};

void require_curl() {
    if (!have_program("curl")) FAIL("curl is not installed (scripts/test installs it)");
}

}  // namespace

TEST_CASE("GET of a file gives its body with Content-Type, Content-Length, ETag and Last-Modified") {
    require_curl();
    site s;
    const auto c = curl({s.server.url("/hello.txt")});
    REQUIRE(c.run.exit_code == 0);
    const auto& r = c.response;
    CHECK(r.status == 200);
    CHECK(r.body == hello);
    CHECK(r.header("Content-Type").rfind("text/plain", 0) == 0);
    CHECK(r.header("Content-Length") == std::to_string(hello.size()));
    const auto etag = r.header("ETag");
    CHECK(std::regex_match(etag, std::regex("\"[^\"]+\"")));  // strong: no W/ prefix
    CHECK(std::regex_match(r.header("Last-Modified"),
                           std::regex("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT")));
    CHECK(r.header("Accept-Ranges") == "bytes");

    CHECK(curl({s.server.url("/page.html")}).response.header("Content-Type").rfind("text/html", 0) == 0);
    CHECK(curl({s.server.url("/data.json")}).response.header("Content-Type").rfind("application/json", 0) == 0);
}

TEST_CASE("HEAD gives the same headers as GET and no body") {
    require_curl();
    site s;
    const auto get = curl({s.server.url("/hello.txt")}).response;
    const auto c = curl({"-I", s.server.url("/hello.txt")});
    REQUIRE(c.run.exit_code == 0);
    CHECK(c.response.status == 200);
    CHECK(c.response.body.empty());
    CHECK(c.response.header("Content-Length") == std::to_string(hello.size()));
    CHECK(c.response.header("ETag") == get.header("ETag"));
    CHECK(c.response.header("Last-Modified") == get.header("Last-Modified"));
    CHECK(c.response.header("Content-Type") == get.header("Content-Type"));

    // On the wire: the next response follows the HEAD's head directly, no body between.
    raw_connection raw(s.server.port);
    raw.send("HEAD /hello.txt HTTP/1.1\r\nHost: x\r\n\r\nGET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n");
    const auto head = raw.read_until("\r\n\r\n");
    CHECK(parse_response(head).status == 200);
    const auto next = parse_response(raw.read_response());
    CHECK(next.status == 200);
    CHECK(next.body == hello);
}

TEST_CASE("a missing file gives 404") {
    require_curl();
    site s;
    CHECK(curl({s.server.url("/no-such-file.txt")}).response.status == 404);
}

TEST_CASE("a file asked for with a trailing slash is 404, as nginx and python http.server answer") {
    site s;
    temp_dir work;
    auto nginx = require_nginx(s.dir.path(), work.path());
    auto python = require_python_http(s.dir.path());
    for (const std::string target : {"/hello.txt/", "/data.json/"}) {
        CAPTURE(target);
        const auto request = get(target, "Connection: close\r\n");
        const auto ours = parse_response(netlab::test::exchange(s.server.port, request));
        CHECK(ours.status == 404);
        CHECK(ours.body.find("Hello") == std::string::npos);
        CHECK(parse_response(netlab::test::exchange(nginx.port, request)).status == 404);
        CHECK(parse_response(netlab::test::exchange(python.port, request)).status == 404);
    }
}

TEST_CASE("range 0-9 gives 206 with the first ten bytes and Content-Range") {
    require_curl();
    site s;
    const auto c = curl({"-r", "0-9", s.server.url("/hello.txt")});
    REQUIRE(c.run.exit_code == 0);
    CHECK(c.response.status == 206);
    CHECK(c.response.body == hello.substr(0, 10));
    CHECK(c.response.header("Content-Length") == "10");
    CHECK(c.response.header("Content-Range") == "bytes 0-9/37");
}

TEST_CASE("open-ended range 5- gives 206 with the rest of the file") {
    require_curl();
    site s;
    const auto c = curl({"-r", "5-", s.server.url("/hello.txt")});
    REQUIRE(c.run.exit_code == 0);
    CHECK(c.response.status == 206);
    CHECK(c.response.body == hello.substr(5));
    CHECK(c.response.header("Content-Range") == "bytes 5-36/37");
}

TEST_CASE("suffix range -3 gives 206 with the last three bytes") {
    require_curl();
    site s;
    const auto c = curl({"-r", "-3", s.server.url("/hello.txt")});
    REQUIRE(c.run.exit_code == 0);
    CHECK(c.response.status == 206);
    CHECK(c.response.body == hello.substr(34));
    CHECK(c.response.header("Content-Range") == "bytes 34-36/37");
}

TEST_CASE("range past the end gives 416 with Content-Range bytes star/size") {
    require_curl();
    site s;
    const auto c = curl({"-r", "100-200", s.server.url("/hello.txt")});
    REQUIRE(c.run.exit_code == 0);
    CHECK(c.response.status == 416);
    CHECK(c.response.header("Content-Range") == "bytes */37");
    CHECK(c.response.body.find("netlab!") == std::string::npos);
}

TEST_CASE("If-None-Match with the current ETag gives 304 without a body") {
    require_curl();
    site s;
    const auto etag = curl({s.server.url("/hello.txt")}).response.header("ETag");
    REQUIRE_FALSE(etag.empty());
    const auto c = curl({"-H", "If-None-Match: " + etag, s.server.url("/hello.txt")});
    REQUIRE(c.run.exit_code == 0);
    CHECK(c.response.status == 304);
    CHECK(c.response.body.empty());
    CHECK(c.response.header("ETag") == etag);

    const auto other = curl({"-H", "If-None-Match: \"not-the-etag\"", s.server.url("/hello.txt")});
    CHECK(other.response.status == 200);
    CHECK(other.response.body == hello);
}

TEST_CASE("If-Modified-Since in the future gives 304, in the past gives 200") {
    require_curl();
    site s;
    const auto future = curl({"-H", "If-Modified-Since: " + http_date_from_now(std::chrono::hours(24)), s.server.url("/hello.txt")});
    CHECK(future.response.status == 304);
    CHECK(future.response.body.empty());

    const auto past = curl({"-H", "If-Modified-Since: " + http_date_from_now(-std::chrono::hours(24 * 365)), s.server.url("/hello.txt")});
    CHECK(past.response.status == 200);
    CHECK(past.response.body == hello);
}

TEST_CASE("If-Range that does not match gives 200 with the whole file") {
    require_curl();
    site s;
    const auto etag = curl({s.server.url("/hello.txt")}).response.header("ETag");
    const auto stale = curl({"-r", "0-9", "-H", "If-Range: \"stale-etag\"", s.server.url("/hello.txt")});
    CHECK(stale.response.status == 200);
    CHECK(stale.response.body == hello);
    CHECK_FALSE(stale.response.has_header("Content-Range"));

    const auto old_date = curl({"-r", "0-9", "-H", "If-Range: " + http_date_from_now(-std::chrono::hours(24 * 365)),
                                s.server.url("/hello.txt")});
    CHECK(old_date.response.status == 200);
    CHECK(old_date.response.body == hello);

    const auto current = curl({"-r", "0-9", "-H", "If-Range: " + etag, s.server.url("/hello.txt")});
    CHECK(current.response.status == 206);
    CHECK(current.response.body == hello.substr(0, 10));
}

TEST_CASE("a 20 MiB file downloaded by curl matches byte for byte, also a range in its middle") {
    require_curl();
    if (!have_program("sha256sum")) FAIL("sha256sum is not installed");
    temp_dir dir;
    constexpr std::size_t size = 20 * 1024 * 1024;
    const auto content = random_bytes(size, 20);
    const auto original = dir.write("site/big.bin", content);
    auto s = start_server(dir.path() + "/site");

    const auto whole = dir.path() + "/whole.bin";
    const auto c = curl({"-o", whole, s.url("/big.bin")}, 60s);
    REQUIRE(c.run.exit_code == 0);
    CHECK(c.response.status == 200);
    CHECK(c.response.header("Content-Length") == std::to_string(size));
    CHECK(std::filesystem::file_size(whole) == size);
    CHECK(sha256_file(whole) == sha256_file(original));
    CHECK(read_file(whole) == content);

    // A range across the middle, not aligned to anything.
    const std::size_t first = 7 * 1024 * 1024 + 12345, last = 13 * 1024 * 1024 + 678;
    const auto part = dir.path() + "/part.bin";
    const auto r = curl({"-r", std::to_string(first) + "-" + std::to_string(last), "-o", part, s.url("/big.bin")}, 60s);
    REQUIRE(r.run.exit_code == 0);
    CHECK(r.response.status == 206);
    CHECK(r.response.header("Content-Range") ==
          "bytes " + std::to_string(first) + "-" + std::to_string(last) + "/" + std::to_string(size));
    const auto got = read_file(part);
    CHECK(got.size() == last - first + 1);
    CHECK(got == content.substr(first, last - first + 1));
    const auto expected_part = dir.write("expected_part.bin", content.substr(first, last - first + 1));
    CHECK(sha256_file(part) == sha256_file(expected_part));
}

TEST_CASE("a file dated after 2262 or before 1970 gets its true Last-Modified, in headers, validators and listing") {
    require_curl();
    temp_dir dir;
    // 2286 (past the year where nanoseconds since 1970 overflow 64 bits) and 1966; ext4
    // stores times up to 2446.
    const auto late = dir.write("late.txt", "late\n");
    const auto late_too = dir.write("late_too.txt", "late\n");
    const auto early = dir.write("early.txt", "early\n");
    REQUIRE(run({"touch", "-d", "@10000000000.25", late}).exit_code == 0);
    REQUIRE(run({"touch", "-d", "@10000000000.75", late_too}).exit_code == 0);
    REQUIRE(run({"touch", "-d", "@-100000000", early}).exit_code == 0);
    auto s = start_server(dir.path());

    const auto l = curl({s.url("/late.txt")}).response;
    CHECK(l.status == 200);
    CHECK(l.header("Last-Modified") == "Sat, 20 Nov 2286 17:46:40 GMT");
    const auto l2 = curl({s.url("/late_too.txt")}).response;
    CHECK(l2.header("Last-Modified") == "Sat, 20 Nov 2286 17:46:40 GMT");
    CHECK(l2.header("ETag") != l.header("ETag"));  // same size and second, other nanoseconds
    const auto e = curl({s.url("/early.txt")}).response;
    CHECK(e.header("Last-Modified") == "Mon, 31 Oct 1966 14:13:20 GMT");

    // The dates work as validators: asked with its own date, each file is not modified.
    CHECK(curl({"-H", "If-Modified-Since: " + l.header("Last-Modified"), s.url("/late.txt")}).response.status == 304);
    CHECK(curl({"-H", "If-Modified-Since: " + e.header("Last-Modified"), s.url("/early.txt")}).response.status == 304);
    CHECK(curl({"-H", "If-Modified-Since: Sun, 30 Oct 1966 00:00:00 GMT", s.url("/early.txt")}).response.status == 200);

    const auto listing = curl({s.url("/")}).response.body;
    CHECK(listing.find("datetime=\"2286-11-20T17:46:40Z\"") != std::string::npos);
    CHECK(listing.find("datetime=\"1966-10-31T14:13:20Z\"") != std::string::npos);
}

TEST_CASE("a file replaced by rename while served: every answer is one version whole, with its own length and validators") {
    // How editors, rsync and deploy tools update files. A big file (sent from the open
    // file) and a small one (kept in memory), each swapped between two versions of
    // different sizes for as long as the client asks.
    temp_dir dir;
    const std::map<std::string, std::vector<std::string>> versions{
        {"big.bin", {random_bytes(1024 * 1024, 1), random_bytes(2 * 1024 * 1024, 2)}},
        {"small.bin", {random_bytes(100 * 1024, 3), random_bytes(150 * 1024, 4)}},
    };
    for (const auto& [name, bodies] : versions) {
        dir.write("site/" + name, bodies[0]);
        for (std::size_t v = 0; v < bodies.size(); ++v) dir.write("versions/" + name + std::to_string(v), bodies[v]);
    }
    auto s = start_server(dir.path() + "/site");

    std::atomic<bool> stop{false};
    std::atomic<int> swaps{0};
    std::thread swapper([&] {
        namespace fs = std::filesystem;
        for (int i = 0; !stop; ++i) {
            for (const auto& [name, bodies] : versions) {
                const auto tmp = fs::path(dir.path()) / "versions" / ("tmp-" + name);
                fs::create_hard_link(fs::path(dir.path()) / "versions" / (name + std::to_string(i % 2)), tmp);
                fs::rename(tmp, fs::path(dir.path()) / "site" / name);  // atomic: the name always exists
            }
            ++swaps;
        }
    });

    int wrong = 0, answers = 0;
    std::map<std::string, std::size_t> version_of_etag;
    std::set<std::size_t> seen;
    auto c = std::make_unique<raw_connection>(s.port);
    // 300 requests at least, and on until the swapper has had its turns and both versions
    // were served (a loaded machine may leave it unscheduled for a while), within 60 s.
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    for (int i = 0; i < 300 || ((swaps <= 10 || seen.size() < 2) && std::chrono::steady_clock::now() < deadline); ++i) {
        const std::string name = i % 2 ? "small.bin" : "big.bin";
        c->send(get("/" + name));
        const auto r = parse_response(c->read_response(10s));
        const auto& bodies = versions.at(name);
        const auto v = std::find(bodies.begin(), bodies.end(), r.body) - bodies.begin();
        const auto etag = r.header("ETag");
        const bool ok = r.status == 200 && v < static_cast<std::ptrdiff_t>(bodies.size()) &&
                        version_of_etag.emplace(name + etag, v).first->second == static_cast<std::size_t>(v);
        if (!ok) {
            if (++wrong <= 3)
                MESSAGE(name << ": status " << r.status << ", Content-Length " << r.header("Content-Length") << ", ETag "
                             << etag << ", " << r.body.size() << " bytes that are " << (v < 2 ? std::string("a version") : "no version"));
            c = std::make_unique<raw_connection>(s.port);  // the server may have closed it
        } else {
            seen.insert(static_cast<std::size_t>(v));
        }
        ++answers;
    }
    stop = true;
    swapper.join();
    CHECK(answers >= 300);
    CHECK(wrong == 0);
    CHECK(swaps > 10);
    CHECK(seen.size() == 2);  // both versions were served
}
