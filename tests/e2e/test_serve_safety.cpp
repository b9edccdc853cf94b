// serve-http never serves a file outside its folder, whatever the request target says;
// symlinks leading out are refused unless --follow-symlinks.
#include <doctest/doctest.h>

#include <filesystem>

#include "support/http_peers.hpp"
#include "support/loopback.hpp"
#include "support/netlab_server.hpp"
#include "support/peers.hpp"

using namespace netlab::test;

namespace {

const std::string secret = "TOP-SECRET-4b1d9e-do-not-serve\n";

// temp/secret.txt and temp/site-secret/secret.txt lie outside; temp/site is served.
struct fenced_site {
    temp_dir dir;
    std::string root;
    explicit fenced_site() : root(dir.path() + "/site") {
        dir.write("secret.txt", secret);
        dir.write("site-secret/secret.txt", secret);
        dir.write("site/index.html", "<p>public</p>\n");
        dir.write("site/sub/public.txt", "public\n");
    }
};

// The request targets of the corpus, each sent as is.
const std::vector<std::string> corpus{
    "/../secret.txt",
    "/%2e%2e/secret.txt",
    "/%2E%2E%2Fsecret.txt",
    "/..%2fsecret.txt",
    "/..%5csecret.txt",
    "/..\\secret.txt",
    "/sub/../../secret.txt",
    "/%00",
    "/sub/%00/../../secret.txt",
    "http://127.0.0.1/../secret.txt",
    "/.%2e/secret.txt",
    "/%2e./secret.txt",
    "//../secret.txt",
    "/%252e%252e/secret.txt",
    "/%252e%252e%252fsecret.txt",
    "/../site-secret/secret.txt",
    "/sub/..%2f..%2fsite-secret%2fsecret.txt",
    "/..%c0%afsecret.txt",
    "/.../secret.txt",
    "/..%20/secret.txt",
    "/sub/..;/../secret.txt",
};

void require_curl() {
    if (!have_program("curl")) FAIL("curl is not installed (scripts/test installs it)");
}

// The response to `target` sent exactly as given, with Connection: close.
http_response ask(unsigned short port, const std::string& target) {
    return parse_response(netlab::test::exchange(port, get(target, "Connection: close\r\n")));
}

}  // namespace

TEST_CASE("traversal targets from raw sockets get 4xx and never the secret") {
    fenced_site f;
    auto s = start_server(f.root);
    for (const auto& target : corpus) {
        CAPTURE(target);
        raw_connection c(s.port);
        c.send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        const std::string raw = c.read_exactly(std::string::npos, 5s);
        const auto r = parse_response(raw);
        CHECK(r.status >= 400);
        CHECK(r.status < 500);
        CHECK(raw.find("TOP-SECRET") == std::string::npos);
    }
    // The server is still fine afterwards.
    CHECK(parse_response(exchange(s.port, "GET /sub/public.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).body ==
          "public\n");
}

TEST_CASE("traversal targets sent by curl --path-as-is get 4xx and never the secret") {
    require_curl();
    fenced_site f;
    auto s = start_server(f.root);
    for (const auto& target : corpus) {
        CAPTURE(target);
        // --request-target sends the target exactly, absolute-form included.
        const auto c = curl({"--path-as-is", "--request-target", target, s.url("/")});
        CHECK(c.response.status >= 400);
        CHECK(c.response.status < 500);
        CHECK(c.response.body.find("TOP-SECRET") == std::string::npos);
    }
    // HEAD too: a 200 there would still confirm the file exists.
    const auto head = curl({"-I", "--path-as-is", s.url("/../secret.txt")});
    CHECK(head.response.status >= 400);
    CHECK(head.response.status < 500);
}

TEST_CASE("a symlink leading outside the folder is 404 unless --follow-symlinks") {
    require_curl();
    fenced_site f;
    std::filesystem::create_symlink(f.dir.path() + "/secret.txt", f.root + "/link-out.txt");
    std::filesystem::create_directory_symlink(f.dir.path() + "/site-secret", f.root + "/dir-out");
    {
        auto s = start_server(f.root);
        const auto file = curl({s.url("/link-out.txt")}).response;
        CHECK(file.status == 404);
        CHECK(file.body.find("TOP-SECRET") == std::string::npos);
        const auto through_dir = curl({s.url("/dir-out/secret.txt")}).response;
        CHECK(through_dir.status == 404);
        CHECK(through_dir.body.find("TOP-SECRET") == std::string::npos);
        const auto listing = curl({s.url("/dir-out/")}).response;
        CHECK(listing.status == 404);
        CHECK(listing.body.find("secret.txt") == std::string::npos);
    }
    {
        auto s = start_server(f.root, {"--follow-symlinks"});
        const auto file = curl({s.url("/link-out.txt")}).response;
        CHECK(file.status == 200);
        CHECK(file.body == secret);
        CHECK(curl({s.url("/dir-out/secret.txt")}).response.body == secret);
    }
}

TEST_CASE("a symlink to a file inside the folder is served") {
    require_curl();
    fenced_site f;
    std::filesystem::create_symlink(f.root + "/sub/public.txt", f.root + "/link-in.txt");
    std::filesystem::create_symlink("sub/public.txt", f.root + "/relative-link-in.txt");
    std::filesystem::create_directory_symlink(f.root + "/sub", f.root + "/dir-in");
    auto s = start_server(f.root);
    const auto abs = curl({s.url("/link-in.txt")}).response;
    CHECK(abs.status == 200);
    CHECK(abs.body == "public\n");
    CHECK(curl({s.url("/relative-link-in.txt")}).response.body == "public\n");
    CHECK(curl({s.url("/dir-in/public.txt")}).response.body == "public\n");
}

TEST_CASE("a symlink checked once is checked again after it is changed to lead outside") {
    require_curl();
    fenced_site f;
    const auto link = f.root + "/moving.txt";
    std::filesystem::create_symlink(f.root + "/sub/public.txt", link);
    auto s = start_server(f.root);
    CHECK(curl({s.url("/moving.txt")}).response.body == "public\n");
    std::filesystem::remove(link);
    std::filesystem::create_symlink(f.dir.path() + "/secret.txt", link);
    const auto after = curl({s.url("/moving.txt")}).response;
    CHECK(after.status == 404);
    CHECK(after.body.find("TOP-SECRET") == std::string::npos);
}

TEST_CASE("a target with dot-segments is served as RFC 3986 resolves it, as nginx and python http.server do") {
    fenced_site f;
    f.dir.write("site/data.json", "{\"ok\":true}\n");
    f.dir.write("site/sub dir/inner.txt", "inner\n");
    temp_dir work;
    auto s = start_server(f.root);
    auto nginx = require_nginx(f.root, work.path());
    auto python = require_python_http(f.root);
    for (const std::string target : {"/sub%20dir/../data.json", "/sub/./../sub%20dir/../data.json",
                                     "/no/such/folder/../../../data.json", "//sub//..//data.json"}) {
        CAPTURE(target);
        const auto ours = ask(s.port, target);
        CHECK(ours.status == 200);
        CHECK(ours.body == "{\"ok\":true}\n");
        CHECK(ask(nginx.port, target).status == 200);
        CHECK(ask(python.port, target).status == 200);
    }
    // A dot-dot that ends the path names a folder: its listing, like the slash form.
    const auto folder = ask(s.port, "/sub%20dir/inner.txt/..");
    CHECK(folder.status == 200);
    CHECK(folder.body.find("inner.txt") != std::string::npos);
}

TEST_CASE("a target that climbs above the root gets 400 from netlab as from nginx, never the secret") {
    fenced_site f;
    temp_dir work;
    auto s = start_server(f.root);
    auto nginx = require_nginx(f.root, work.path());
    for (const std::string target : {"/../secret.txt", "/a/../../secret.txt", "/sub/../../secret.txt",
                                     "/sub/./../../site-secret/secret.txt", "/..", "/sub/../.."}) {
        CAPTURE(target);
        const auto ours = ask(s.port, target);
        CHECK(ours.status == 400);
        CHECK(ours.status == ask(nginx.port, target).status);
        CHECK(ours.body.find("TOP-SECRET") == std::string::npos);
    }
}

TEST_CASE("encoded dot-dots stay refused even where they would resolve inside the folder") {
    fenced_site f;
    auto s = start_server(f.root);
    for (const std::string target : {"/sub/%2e%2e/index.html", "/sub/.%2e/index.html", "/sub/%2E./index.html"}) {
        CAPTURE(target);
        CHECK(ask(s.port, target).status == 403);
    }
}
