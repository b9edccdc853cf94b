#include <doctest/doctest.h>

#include "unit/server/site_fixture.hpp"

using netlab::test::get;
using netlab::test::has_header;
using netlab::test::site_fixture;

TEST_CASE("a file is served with its type, length and validators") {
    site_fixture s;
    s.write("a.txt", "hello");
    auto& r = s.ask(get("/a.txt"));
    CHECK(r.status == 200);
    CHECK(r.body == "hello");
    CHECK(has_header(r, "Content-Type: text/plain; charset=utf-8"));
    CHECK(has_header(r, "Content-Length: 5"));
    CHECK(r.head.find("\r\nETag: \"") != std::string::npos);
    CHECK(r.head.find("\r\nLast-Modified: ") != std::string::npos);
}

TEST_CASE("HEAD says the length but sends no body") {
    site_fixture s;
    s.write("a.txt", "hello");
    auto& r = s.ask("HEAD /a.txt HTTP/1.1\r\nHost: t\r\n\r\n");
    CHECK(r.status == 200);
    CHECK(r.head_only);
    CHECK(has_header(r, "Content-Length: 5"));
}

TEST_CASE("a matching If-None-Match gives 304 and a stale one 200") {
    site_fixture s;
    s.write("a.txt", "hello");
    const auto first = s.ask(get("/a.txt")).head;
    const auto at = first.find("ETag: ") + 6;
    const auto etag = first.substr(at, first.find("\r\n", at) - at);
    CHECK(s.ask(get("/a.txt", "If-None-Match: " + etag + "\r\n")).status == 304);
    CHECK(s.ask(get("/a.txt", "If-None-Match: W/" + etag + "\r\n")).status == 304);
    CHECK(s.ask(get("/a.txt", "If-None-Match: \"other\"\r\n")).status == 200);
}

TEST_CASE("If-Modified-Since at or after the file's time gives 304") {
    site_fixture s;
    s.write("a.txt", "hello");
    CHECK(s.ask(get("/a.txt", "If-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT\r\n")).status == 304);
    CHECK(s.ask(get("/a.txt", "If-Modified-Since: Thu, 01 Jan 1970 00:00:00 GMT\r\n")).status == 200);
}

TEST_CASE("a byte range gives 206 with Content-Range") {
    site_fixture s;
    s.write("a.txt", "0123456789");
    auto& r = s.ask(get("/a.txt", "Range: bytes=2-4\r\n"));
    CHECK(r.status == 206);
    CHECK(r.body == "234");
    CHECK(has_header(r, "Content-Range: bytes 2-4/10"));
    CHECK(has_header(r, "Content-Length: 3"));
}

TEST_CASE("range past end gives 416") {
    site_fixture s;
    s.write("a.txt", "0123456789");
    auto& r = s.ask(get("/a.txt", "Range: bytes=20-\r\n"));
    CHECK(r.status == 416);
    CHECK(has_header(r, "Content-Range: bytes */10"));
}

TEST_CASE("If-Range with another validator ignores the range") {
    site_fixture s;
    s.write("a.txt", "0123456789");
    auto& r = s.ask(get("/a.txt", "Range: bytes=2-4\r\nIf-Range: \"old\"\r\n"));
    CHECK(r.status == 200);
    CHECK(r.body == "0123456789");
}

TEST_CASE("a folder without slash redirects to the slash form, keeping the query") {
    site_fixture s;
    s.write("sub/x.txt", "x");
    auto& r = s.ask(get("/sub?q=1"));
    CHECK(r.status == 301);
    CHECK(has_header(r, "Location: /sub/?q=1"));
}

TEST_CASE("a folder serves its index.html") {
    site_fixture s;
    s.write("sub/index.html", "<p>home</p>");
    auto& r = s.ask(get("/sub/"));
    CHECK(r.status == 200);
    CHECK(r.body == "<p>home</p>");
    CHECK(has_header(r, "Content-Type: text/html; charset=utf-8"));
}

TEST_CASE("a folder without index.html is listed, dotfiles left out") {
    site_fixture s;
    s.write("sub/b.txt", "b");
    s.write("sub/.secret", "s");
    auto& r = s.ask(get("/sub/"));
    CHECK(r.status == 200);
    CHECK(r.body.find("b.txt") != std::string_view::npos);
    CHECK(r.body.find(".secret") == std::string_view::npos);
}

TEST_CASE("--no-listing forbids folder listings") {
    site_fixture s;
    s.write("sub/b.txt", "b");
    netlab::server::server_config c;
    c.listing = false;
    CHECK(s.ask(get("/sub/"), c).status == 403);
}

TEST_CASE("dotfiles are not served unless hidden files are allowed") {
    site_fixture s;
    s.write(".env", "KEY=1");
    s.write(".git/config", "x");
    CHECK(s.ask(get("/.env")).status == 404);
    CHECK(s.ask(get("/.git/config")).status == 404);
    netlab::server::server_config c;
    c.hidden = true;
    CHECK(s.ask(get("/.env"), c).status == 200);
}

TEST_CASE("traversal out of the folder is refused in every spelling") {
    site_fixture s;
    s.write("../secret.txt", "SECRET");
    for (const char* t : {"/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/..%5csecret.txt",
                          "/a/../../secret.txt", "/.%2e/secret.txt", "/%2E%2E%2Fsecret.txt"}) {
        CAPTURE(t);
        auto& r = s.ask(get(t));
        CHECK(r.status >= 400);
        CHECK(r.body.find("SECRET") == std::string_view::npos);
    }
}

TEST_CASE("dot-segments inside the folder are resolved, above the root is 400") {
    site_fixture s;
    s.write("sub dir/x.txt", "x");
    s.write("data.json", "{}");
    s.write("../secret.txt", "SECRET");
    auto& r = s.ask(get("/sub%20dir/../data.json"));
    CHECK(r.status == 200);
    CHECK(r.body == "{}");
    CHECK(s.ask(get("/sub%20dir/./x.txt")).body == "x");
    CHECK(s.ask(get("/../secret.txt")).status == 400);
    CHECK(s.ask(get("/sub%20dir/../../secret.txt")).status == 400);
}

TEST_CASE("a file asked for with a trailing slash is 404, as in nginx and python") {
    site_fixture s;
    s.write("a.txt", "a");
    CHECK(s.ask(get("/a.txt/")).status == 404);
    CHECK(s.ask(get("/a.txt/.")).status == 404);
    CHECK(s.ask(get("/a.txt")).status == 200);
    CHECK(s.ask(get("/a.txt/")).status == 404);  // also once the file is cached
}

TEST_CASE("an absolute-form target is served by its path, NUL bytes are rejected") {
    site_fixture s;
    s.write("a.txt", "a");
    CHECK(s.ask(get("http://t/a.txt")).status == 200);
    CHECK(s.ask(get("http://t/a.txt/../../x")).status == 400);
    CHECK(s.ask(get("/a.txt%00.png")).status == 400);
}

TEST_CASE("methods other than GET, HEAD and OPTIONS get 405 with Allow") {
    site_fixture s;
    auto& r = s.ask("DELETE /a.txt HTTP/1.1\r\nHost: t\r\n\r\n");
    CHECK(r.status == 405);
    CHECK(has_header(r, "Allow: GET, HEAD, OPTIONS"));
    CHECK(s.ask("OPTIONS / HTTP/1.1\r\nHost: t\r\n\r\n").status == 204);
}

TEST_CASE("a missing file is 404 with a page") {
    site_fixture s;
    auto& r = s.ask(get("/nope.txt"));
    CHECK(r.status == 404);
    CHECK(r.body.find("404 Not Found") != std::string_view::npos);
}

TEST_CASE("percent-encoded UTF-8 names are served") {
    site_fixture s;
    s.write("caf\xc3\xa9.txt", "coffee");
    CHECK(s.ask(get("/caf%C3%A9.txt")).body == "coffee");
}

TEST_CASE("etag matching follows weak comparison over lists") {
    using netlab::server::etag_matches;
    CHECK(etag_matches("\"a\"", "\"a\""));
    CHECK(etag_matches("\"x\", W/\"a\"", "\"a\""));
    CHECK(etag_matches(" * ", "\"a\""));
    CHECK_FALSE(etag_matches("\"b\"", "\"a\""));
    CHECK_FALSE(etag_matches("", "\"a\""));
}

TEST_CASE("a folder redirect is built from the decoded path, never protocol-relative") {
    site_fixture s;
    s.write("docs/a.txt", "a");
    auto& r = s.ask(get("//docs"));
    CHECK(r.status == 301);
    CHECK(has_header(r, "Location: /docs/"));
    s.write("caf\xc3\xa9 x/a.txt", "a");
    CHECK(has_header(s.ask(get("/caf%C3%A9%20x")), "Location: /caf%C3%A9%20x/"));
}

TEST_CASE("other spellings of a path are served but only the canonical one is cached") {
    site_fixture s;
    s.write("a.txt", "a");
    CHECK(s.ask(get("//a.txt")).status == 200);
    CHECK(s.ask(get("/./a.txt")).status == 200);
    CHECK(s.ask(get("/%61.txt")).status == 200);
    CHECK(s.cache().size() == 0);
    CHECK(s.ask(get("/a.txt")).status == 200);
    CHECK(s.cache().size() == 1);
}

TEST_CASE("a symlink inside the folder that leads to a dotfolder does not reveal it") {
    site_fixture s;
    s.write(".git/config", "SECRET");
    std::error_code ec;
    std::filesystem::create_directory_symlink(s.www() / ".git", s.www() / "cfg", ec);
    if (ec) {
        MESSAGE("cannot create symlinks here; skipped");
        return;
    }
    CHECK(s.ask(get("/cfg/config")).status == 404);
    netlab::server::server_config c;
    c.hidden = true;
    CHECK(s.ask(get("/cfg/config"), c).status == 200);
}

TEST_CASE("with --cors a preflight is told the methods and the headers asked for") {
    site_fixture s;
    netlab::server::server_config c;
    c.cors = true;
    auto& r = s.ask(
        "OPTIONS /a HTTP/1.1\r\nHost: t\r\nOrigin: http://x\r\nAccess-Control-Request-Method: GET\r\n"
        "Access-Control-Request-Headers: authorization, x-trace\r\n\r\n",
        c);
    CHECK(r.status == 204);
    CHECK(has_header(r, "Access-Control-Allow-Methods: GET, HEAD, OPTIONS"));
    CHECK(has_header(r, "Access-Control-Allow-Headers: authorization, x-trace"));
}
