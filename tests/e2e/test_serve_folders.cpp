// serve-http and folders: the slash redirect, index.html, the HTML listing (escaped
// names, percent-encoded links, order), --no-listing, and dotfiles.
#include <doctest/doctest.h>

#include <regex>

#include "support/http_peers.hpp"
#include "support/netlab_server.hpp"

using namespace netlab::test;

namespace {

void require_curl() {
    if (!have_program("curl")) FAIL("curl is not installed (scripts/test installs it)");
}

struct link {
    std::string href;
    std::string label;
};

// Every <a href="...">label</a> of a listing page, in page order.
std::vector<link> links_of(const std::string& html) {
    std::vector<link> out;
    const std::regex a("<a href=\"([^\"]*)\">([^<]*)</a>");
    for (auto it = std::sregex_iterator(html.begin(), html.end(), a); it != std::sregex_iterator(); ++it)
        out.push_back({(*it)[1].str(), (*it)[2].str()});
    return out;
}

std::string html_unescape(std::string s) {
    const std::pair<std::string, std::string> entities[] = {{"&lt;", "<"},   {"&gt;", ">"},   {"&quot;", "\""},
                                                            {"&#39;", "'"},   {"&#x27;", "'"}, {"&apos;", "'"},
                                                            {"&#34;", "\""}, {"&amp;", "&"}};
    for (const auto& [from, to] : entities) {
        for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size()))
            s.replace(p, from.size(), to);
    }
    return s;
}

const link* find_label(const std::vector<link>& links, const std::string& name) {
    for (const auto& l : links)
        if (html_unescape(l.label) == name) return &l;
    return nullptr;
}

}  // namespace

TEST_CASE("a folder without its slash gives 301 to the slash form, keeping the query") {
    require_curl();
    temp_dir dir;
    dir.write("sub/index.html", "<p>sub index</p>\n");
    auto s = start_server(dir.path());
    const auto plain = curl({s.url("/sub")}).response;
    CHECK(plain.status == 301);
    CHECK(plain.header("Location") == "/sub/");
    const auto query = curl({s.url("/sub?x=1&y=2")}).response;
    CHECK(query.status == 301);
    CHECK(query.header("Location") == "/sub/?x=1&y=2");

    // curl -L follows it to the index page.
    const auto followed = curl({"-L", s.url("/sub")}).response;
    CHECK(followed.status == 200);
    CHECK(followed.body == "<p>sub index</p>\n");
}

TEST_CASE("a folder with index.html serves that file for the slash form") {
    require_curl();
    temp_dir dir;
    dir.write("sub/index.html", "<p>sub index</p>\n");
    dir.write("index.html", "<p>root index</p>\n");
    auto s = start_server(dir.path());
    const auto sub = curl({s.url("/sub/")}).response;
    CHECK(sub.status == 200);
    CHECK(sub.body == "<p>sub index</p>\n");
    CHECK(sub.header("Content-Type").rfind("text/html", 0) == 0);
    const auto root = curl({s.url("/")}).response;
    CHECK(root.status == 200);
    CHECK(root.body == "<p>root index</p>\n");
}

TEST_CASE("a folder listing escapes names as HTML, links them percent-encoded, folders first and sorted") {
    require_curl();
    temp_dir dir;
    const std::string tricky = "<b>&\"x'.txt";
    const std::string accented = "caf\xC3\xA9 \xC3\xBCn\xC3\xAF.txt";  // "café ünï.txt" in UTF-8
    dir.write("list/" + tricky, "tricky content\n");
    dir.write("list/" + accented, "accented content\n");
    dir.write("list/b.txt", "b\n");
    dir.write("list/zeta/z.txt", "z\n");
    dir.write("list/alpha/a.txt", "a\n");
    auto s = start_server(dir.path());

    const auto page = curl({s.url("/list/")}).response;
    REQUIRE(page.status == 200);
    CHECK(page.header("Content-Type").rfind("text/html", 0) == 0);
    // The raw name never appears as markup.
    CHECK(page.body.find("<b>&") == std::string::npos);
    const auto links = links_of(page.body);

    const auto* t = find_label(links, tricky);
    REQUIRE(t != nullptr);
    for (char c : std::string("<>\"'")) CHECK(t->label.find(c) == std::string::npos);
    CHECK(t->href.find_first_of("<>\"' ") == std::string::npos);

    const auto* a = find_label(links, accented);
    REQUIRE(a != nullptr);
    for (char ch : a->href)
        CHECK_MESSAGE(static_cast<unsigned char>(ch) < 0x80, "href is not percent-encoded: " << a->href);
    CHECK(a->href.find(' ') == std::string::npos);
    CHECK(a->href.find("%C3%A9") != std::string::npos);

    // Each link, taken relative to /list/, leads to the file.
    const auto via_tricky = curl({s.url("/list/" + html_unescape(t->href))}).response;
    CHECK(via_tricky.status == 200);
    CHECK(via_tricky.body == "tricky content\n");
    const auto via_accented = curl({s.url("/list/" + html_unescape(a->href))}).response;
    CHECK(via_accented.status == 200);
    CHECK(via_accented.body == "accented content\n");

    // Order: folders first (alpha/, zeta/), then files in byte order.
    std::vector<std::string> order;
    for (const auto& l : links) {
        const auto name = html_unescape(l.label);
        if (name != "../") order.push_back(name);
    }
    const std::vector<std::string> expected{"alpha/", "zeta/", tricky, "b.txt", accented};
    CHECK(order == expected);
}

TEST_CASE("--no-listing gives 403 for a folder without index.html but still serves index pages") {
    require_curl();
    temp_dir dir;
    dir.write("bare/file.txt", "x\n");
    dir.write("withindex/index.html", "<p>i</p>\n");
    auto s = start_server(dir.path(), {"--no-listing"});
    const auto bare = curl({s.url("/bare/")}).response;
    CHECK(bare.status == 403);
    CHECK(bare.body.find("file.txt") == std::string::npos);
    CHECK(curl({s.url("/withindex/")}).response.status == 200);
    CHECK(curl({s.url("/bare/file.txt")}).response.status == 200);
}

TEST_CASE("dotfiles are neither listed nor served unless --hidden") {
    require_curl();
    temp_dir dir;
    dir.write("visible.txt", "v\n");
    dir.write(".env", "SECRET=1\n");
    dir.write(".git/config", "[core]\n");
    {
        auto s = start_server(dir.path());
        const auto page = curl({s.url("/")}).response;
        REQUIRE(page.status == 200);
        CHECK(page.body.find("visible.txt") != std::string::npos);
        CHECK(page.body.find(".env") == std::string::npos);
        CHECK(page.body.find(".git") == std::string::npos);
        CHECK(curl({s.url("/.env")}).response.status == 404);
        CHECK(curl({s.url("/.git/config")}).response.status == 404);
        CHECK(curl({s.url("/.git/")}).response.status == 404);
        CHECK(curl({s.url("/%2eenv")}).response.status == 404);
    }
    {
        auto s = start_server(dir.path(), {"--hidden"});
        const auto page = curl({s.url("/")}).response;
        CHECK(page.body.find(".env") != std::string::npos);
        CHECK(page.body.find(".git/") != std::string::npos);
        const auto env = curl({s.url("/.env")}).response;
        CHECK(env.status == 200);
        CHECK(env.body == "SECRET=1\n");
        CHECK(curl({s.url("/.git/config")}).response.body == "[core]\n");
    }
}
