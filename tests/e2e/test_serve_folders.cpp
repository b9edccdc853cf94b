// serve-http and folders: the slash redirect, index.html, the HTML listing (escaped
// names, percent-encoded links, order), --no-listing, and dotfiles.
#include <doctest/doctest.h>

#include <filesystem>
#include <regex>
#include <unistd.h>

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

// Every <a href="...">label</a> of a listing page, in page order.
std::vector<link> links_of(const std::string& html) {
    std::vector<link> out;
    const std::regex a("<a href=\"([^\"]*)\">([^<]*)</a>");
    for (auto it = std::sregex_iterator(html.begin(), html.end(), a); it != std::sregex_iterator(); ++it)
        out.push_back({(*it)[1].str(), (*it)[2].str()});
    return out;
}

// The names listed, in page order: neither the column heads' links nor "../".
std::vector<std::string> listed_names(const std::string& html) {
    std::vector<std::string> out;
    for (const auto& l : links_of(html)) {
        const auto name = html_unescape(l.label);
        if (l.href.front() != '?' && name != "../") out.push_back(name);
    }
    return out;
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

    // Order: folders first (alpha/, zeta/), then files.
    const std::vector<std::string> expected{"alpha/", "zeta/", tricky, "b.txt", accented};
    CHECK(listed_names(page.body) == expected);
}

TEST_CASE("a listing shows folders first, then names in natural case-insensitive order") {
    require_curl();
    temp_dir dir;
    for (const char* name : {"Zebra", "file10", "apple", "cherry", "file2", "Banana", "file1"}) dir.write(name, "x");
    dir.write("Src/main.c", "x");
    dir.write("docs/a.md", "x");
    auto s = start_server(dir.path());
    const auto page = curl({s.url("/")}).response;
    REQUIRE(page.status == 200);
    CHECK(listed_names(page.body) ==
          std::vector<std::string>{"docs/", "Src/", "apple", "Banana", "cherry", "file1", "file2", "file10", "Zebra"});
}

TEST_CASE("a listing sorts by size or date from its query string and links each column head") {
    require_curl();
    temp_dir dir;
    dir.write("big.bin", std::string(5000, 'x'));
    dir.write("small.txt", "x");
    dir.write("mid.dat", std::string(300, 'x'));
    dir.write("sub/a", "x");
    // Dates: small oldest, big newest.
    const auto now = std::filesystem::file_time_type::clock::now();
    std::filesystem::last_write_time(dir.path() + "/small.txt", now - std::chrono::hours(48));
    std::filesystem::last_write_time(dir.path() + "/mid.dat", now - std::chrono::hours(24));
    std::filesystem::last_write_time(dir.path() + "/big.bin", now - std::chrono::hours(1));
    auto s = start_server(dir.path());

    const auto by_size = curl({s.url("/?sort=size")}).response;
    REQUIRE(by_size.status == 200);
    CHECK(listed_names(by_size.body) == std::vector<std::string>{"sub/", "small.txt", "mid.dat", "big.bin"});
    const auto biggest_first = curl({s.url("/?sort=size&order=desc")}).response;
    CHECK(listed_names(biggest_first.body) == std::vector<std::string>{"sub/", "big.bin", "mid.dat", "small.txt"});
    const auto newest_first = curl({s.url("/?order=desc&sort=date")}).response;
    CHECK(listed_names(newest_first.body) == std::vector<std::string>{"sub/", "big.bin", "mid.dat", "small.txt"});
    const auto unknown = curl({s.url("/?sort=colour")}).response;
    CHECK(unknown.status == 200);
    CHECK(listed_names(unknown.body) == std::vector<std::string>{"sub/", "big.bin", "mid.dat", "small.txt"});

    // The column heads are links that curl can follow back to this folder, sorted.
    std::vector<std::string> heads;
    for (const auto& l : links_of(by_size.body))
        if (l.href.front() == '?') heads.push_back(html_unescape(l.href));
    CHECK(heads == std::vector<std::string>{"?sort=name&order=asc", "?sort=size&order=desc", "?sort=date&order=asc"});
    const auto followed = curl({s.url("/" + heads[1])}).response;
    CHECK(listed_names(followed.body) == listed_names(biggest_first.body));
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

TEST_CASE("a listing over 10,000 entries is sorted before it is cut, and says so on the page and in the log") {
    require_curl();
    temp_dir dir(temp_dir::where::memory);
    dir.fill_with_files("many", 10050);  // file-0.txt ... file-10049.txt
    auto s = start_server(dir.path());

    // 10,050 stat() calls: seconds under wine, whose file calls are slow.
    const auto page = curl({"--max-time", "60", s.url("/many/")}, 90s).response;
    REQUIRE(page.status == 200);
    const auto names = listed_names(page.body);
    REQUIRE(names.size() == 10000);
    // The first 10,000 in natural order, whatever order the folder gave them in.
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (names[i] != "file-" + std::to_string(i) + ".txt") {
            FAIL_CHECK("entry " << i << " is " << names[i]);
            break;
        }
    }
    CHECK(page.body.find("The first 10000 of 10050 entries") != std::string::npos);
    // The other end of the order is the other end of the folder.
    const auto reversed = listed_names(curl({"--max-time", "60", s.url("/many/?order=desc")}, 90s).response.body);
    REQUIRE_FALSE(reversed.empty());
    CHECK(reversed.front() == "file-10049.txt");

    const auto e = s.next_event(20s);
    REQUIRE(e.is_object());
    CHECK(e["target"] == "/many/");
    CHECK(e["listing_shown"] == 10000);
    CHECK(e["listing_entries"] == 10050);
}

TEST_CASE("names that cannot be served (control bytes, ':' or '\\') are left out of a listing, and the page says so") {
    require_curl();
    if (under_emulator()) {
        MESSAGE("skipped under wine: such names cannot exist on Windows");
        return;
    }
    temp_dir dir;
    for (const char* name : {"ok.txt", "a:b.txt", "back\\slash.txt", "tab\there.txt", "bell\x07.txt", "caf\xC3\xA9.txt"})
        dir.write(std::string("list/") + name, "x\n");
    dir.write("list/bad\xff.txt", "x\n");  // not UTF-8
    auto s = start_server(dir.path());
    const auto page = curl({s.url("/list/")}).response;
    REQUIRE(page.status == 200);
    CHECK(listed_names(page.body) == std::vector<std::string>{"caf\xC3\xA9.txt", "ok.txt"});
    CHECK(page.body.find("5 names are not listed") != std::string::npos);
    // Every link that is listed works.
    for (const auto& l : links_of(page.body)) {
        if (l.href.front() == '?' || l.href == "../") continue;
        CAPTURE(l.href);
        CHECK(curl({s.url("/list/" + html_unescape(l.href))}).response.status == 200);
    }
}

TEST_CASE("a folder the server may not read is 403, as nginx answers, not an empty listing") {
    require_curl();
    if (under_emulator()) {
        MESSAGE("skipped under wine: POSIX permissions");
        return;
    }
    temp_dir dir;
    dir.write("locked/secret.txt", "x\n");
    std::filesystem::permissions(dir.path() + "/locked", std::filesystem::perms::owner_write |
                                                             std::filesystem::perms::owner_exec);
    // root reads anything: without the capabilities that let it, it meets the permissions.
    std::vector<std::string> wrapper;
    if (::geteuid() == 0) {
        if (!have_program("setpriv")) FAIL("setpriv is not installed (util-linux)");
        wrapper = {"setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"};
    }
    auto s = start_server(dir.path(), {}, wrapper);
    const auto r = curl({s.url("/locked/")}).response;
    CHECK(r.status == 403);
    CHECK(r.body.find("secret.txt") == std::string::npos);
    const auto e = s.next_event(20s);
    REQUIRE(e.is_object());
    CHECK(e.value("error", "").find("permission denied") != std::string::npos);
    std::filesystem::permissions(dir.path() + "/locked", std::filesystem::perms::owner_all);
}
