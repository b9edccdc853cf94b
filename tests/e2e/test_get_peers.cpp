// netlab get against servers we did not write: python3's http.server and nginx.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "support/peers.hpp"
#include "support/process.hpp"

using namespace netlab::test;

namespace {

std::string random_bytes(std::size_t n) {
    std::mt19937 gen(42);
    std::string s(n, '\0');
    for (auto& c : s) c = static_cast<char>(gen() & 0xff);
    return s;
}

}  // namespace

TEST_CASE("python http.server: a binary file arrives byte for byte") {
    temp_dir root;
    const auto content = random_bytes(200 * 1024);
    root.write("data.bin", content);
    auto peer = start_python_http(root.path());
    if (!peer) {
        MESSAGE("python3 not installed; skipped");
        return;
    }
    const auto r = run_netlab({"get", "-m", "20", peer->url("/data.bin")});
    CHECK(r.exit_code == 0);
    CHECK(r.out == content);
}

TEST_CASE("python http.server: a folder without slash redirects, -L follows to the listing") {
    temp_dir root;
    root.write("sub/inner.txt", "x");
    auto peer = start_python_http(root.path());
    if (!peer) return;
    auto r = run_netlab({"get", "-i", "-m", "20", peer->url("/sub")});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find(" 301 ") != std::string::npos);
    r = run_netlab({"get", "-L", "-m", "20", peer->url("/sub")});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("inner.txt") != std::string::npos);
}

TEST_CASE("python http.server: a missing file is 404, exit 22 with --fail") {
    temp_dir root;
    auto peer = start_python_http(root.path());
    if (!peer) return;
    auto r = run_netlab({"get", "-m", "20", peer->url("/missing")});
    CHECK(r.exit_code == 0);
    r = run_netlab({"get", "-f", "-m", "20", peer->url("/missing")});
    CHECK(r.exit_code == 22);
    CHECK(r.out.empty());
}

TEST_CASE("nginx: 1 KiB file, HEAD, --json, keep-alive redirect and POST refusal") {
    temp_dir root, work;
    const auto content = random_bytes(1024);
    root.write("1k.bin", content);
    auto peer = start_nginx(root.path(), work.path(), "    location = /old { return 301 /1k.bin; }\n");
    if (!peer) {
        MESSAGE("nginx not installed; skipped");
        return;
    }
    auto r = run_netlab({"get", "-m", "20", peer->url("/1k.bin")});
    CHECK(r.exit_code == 0);
    CHECK(r.out == content);

    r = run_netlab({"get", "-I", "-m", "20", peer->url("/1k.bin")});
    CHECK(r.exit_code == 0);
    CHECK(r.out.starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(r.out.find("Content-Length: 1024\r\n") != std::string::npos);
    CHECK(r.out.ends_with("\r\n\r\n"));

    r = run_netlab({"--json", "get", "-L", "-v", "-m", "20", peer->url("/old")});
    CHECK(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["status"] == 200);
    CHECK(j["size_download"] == 1024);
    CHECK(j["redirects"] == 1);
    CHECK(r.err.find("re-using connection") != std::string::npos);

    r = run_netlab({"get", "-f", "-d", "x=1", "-m", "20", peer->url("/1k.bin")});
    CHECK(r.exit_code == 22);  // nginx answers 405 to POST on a static file
}

TEST_CASE("nginx: IPv6 literal and localhost") {
    temp_dir root, work;
    root.write("index.html", "hello from nginx\n");
    auto peer = start_nginx(root.path(), work.path());
    if (!peer) return;
    auto r = run_netlab({"get", "-m", "20", "http://[::1]:" + std::to_string(peer->port) + "/"});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "hello from nginx\n");
    r = run_netlab({"get", "-v", "-m", "20", "http://localhost:" + std::to_string(peer->port) + "/"});
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("(::1)") != std::string::npos);  // IPv6 first, and it answered
}
