#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "http/listing.hpp"

using namespace netlab::http;

namespace {

std::size_t pos(const std::string& page, std::string_view needle) {
    const auto p = page.find(needle);
    CHECK_MESSAGE(p != std::string::npos, "missing: ", needle);
    return p;
}

bool contains(const std::string& page, std::string_view needle) {
    return page.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("listing is an HTML5 page with utf-8 charset and no script") {
    const auto page = render_listing("/docs/", {}, false);
    CHECK(page.rfind("<!DOCTYPE html>", 0) == 0);
    CHECK(contains(page, "<meta charset=\"utf-8\">"));
    CHECK(contains(page, "<title>Index of /docs/</title>"));
    CHECK(contains(page, "<h1>Index of /docs/</h1>"));
    CHECK(contains(page, "<style>"));
    CHECK_FALSE(contains(page, "<script"));
    CHECK(contains(page, "</html>"));
}

TEST_CASE("parent link is shown except at the root") {
    CHECK(contains(render_listing("/a/", {}, false), "<a href=\"../\">../</a>"));
    CHECK_FALSE(contains(render_listing("/", {}, true), "../"));
}

namespace {

std::vector<std::string> names_in(const std::vector<listing_entry>& entries) {
    std::vector<std::string> out;
    for (const auto& e : entries) out.push_back(e.name);
    return out;
}

std::vector<std::string> sorted(std::vector<listing_entry> entries, listing_order order = {}) {
    sort_listing(entries, order);
    return names_in(entries);
}

listing_entry file(std::string name, std::uint64_t size = 1, std::int64_t mtime = 0) {
    return {std::move(name), false, size, mtime};
}

listing_entry folder(std::string name, std::int64_t mtime = 0) { return {std::move(name), true, 4096, mtime}; }

}  // namespace

TEST_CASE("natural_compare ignores ASCII case and compares digit runs as numbers") {
    CHECK(natural_compare("apple", "Banana") < 0);
    CHECK(natural_compare("Banana", "cherry") < 0);
    CHECK(natural_compare("cherry", "Zebra") < 0);
    CHECK(natural_compare("file2", "file10") < 0);
    CHECK(natural_compare("file10", "file2") > 0);
    CHECK(natural_compare("img9.png", "img10.png") < 0);
    CHECK(natural_compare("v1.9.2", "v1.10.0") < 0);
    CHECK(natural_compare("README", "readme") == 0);
    CHECK(natural_compare("file007", "file7") == 0);
    CHECK(natural_compare("file", "file0") < 0);
    CHECK(natural_compare("a", "ab") < 0);
    CHECK(natural_compare("", "") == 0);
    CHECK(natural_compare("", "a") < 0);
    // Numbers longer than any integer type still compare by value.
    CHECK(natural_compare("n99999999999999999999999", "n100000000000000000000000") < 0);
    // Bytes >= 0x80 (UTF-8) sort after ASCII.
    CHECK(natural_compare("zz", "\xc3\xa9") < 0);
}

TEST_CASE("folders come first, then files, each in natural case-insensitive order") {
    const std::vector<listing_entry> entries{file("Zebra"),  file("file10"), folder("src"),  file("apple"),
                                             folder("Docs"), file("cherry"), file("file2"),  file("Banana"),
                                             folder("bin"),  file("\xc3\xa9t\xc3\xa9")};
    CHECK(sorted(entries) == std::vector<std::string>{"bin", "Docs", "src", "apple", "Banana", "cherry", "file2",
                                                      "file10", "Zebra", "\xc3\xa9t\xc3\xa9"});
}

TEST_CASE("names equal but for case or leading zeros keep one order on every run") {
    const std::vector<listing_entry> a{file("readme"), file("README"), file("ReadMe"), file("f07"), file("f7")};
    const std::vector<listing_entry> b{file("f7"), file("ReadMe"), file("f07"), file("README"), file("readme")};
    CHECK(sorted(a) == sorted(b));
    CHECK(sorted(a) == std::vector<std::string>{"f07", "f7", "README", "ReadMe", "readme"});  // ties: byte order
}

TEST_CASE("sorting by size puts small files first, folders first by name") {
    const std::vector<listing_entry> entries{file("big", 5000), folder("b-dir"), file("small", 10),
                                             folder("a-dir"),   file("mid", 300), file("also-mid", 300)};
    CHECK(sorted(entries, {listing_sort::size, false}) ==
          std::vector<std::string>{"a-dir", "b-dir", "small", "also-mid", "mid", "big"});
    CHECK(sorted(entries, {listing_sort::size, true}) ==
          std::vector<std::string>{"b-dir", "a-dir", "big", "mid", "also-mid", "small"});
}

TEST_CASE("sorting by date puts old entries first, newest first when descending") {
    const std::vector<listing_entry> entries{file("new", 1, 300), file("old", 1, 100), folder("d2", 50),
                                             folder("d1", 60),    file("mid", 1, 200)};
    CHECK(sorted(entries, {listing_sort::date, false}) == std::vector<std::string>{"d2", "d1", "old", "mid", "new"});
    CHECK(sorted(entries, {listing_sort::date, true}) == std::vector<std::string>{"d1", "d2", "new", "mid", "old"});
}

TEST_CASE("descending by name reverses each group and keeps folders first") {
    const std::vector<listing_entry> entries{file("a"), folder("X"), file("B"), folder("y"), file("c10"), file("c9")};
    CHECK(sorted(entries, {listing_sort::name, true}) == std::vector<std::string>{"y", "X", "c10", "c9", "B", "a"});
}

TEST_CASE("the query string chooses the order, anything unknown leaves the default") {
    CHECK(parse_listing_order("") == listing_order{});
    CHECK(parse_listing_order("sort=size") == listing_order{listing_sort::size, false});
    CHECK(parse_listing_order("sort=date&order=desc") == listing_order{listing_sort::date, true});
    CHECK(parse_listing_order("order=desc&sort=name") == listing_order{listing_sort::name, true});
    CHECK(parse_listing_order("x=1&sort=size&y&order=asc") == listing_order{listing_sort::size, false});
    CHECK(parse_listing_order("sort=colour&order=sideways") == listing_order{});
    CHECK(parse_listing_order("sort=SIZE") == listing_order{});
    CHECK(parse_listing_order("sort") == listing_order{});
    CHECK(parse_listing_order("sort=size&sort=date") == listing_order{listing_sort::date, false});  // the last wins
}

TEST_CASE("the page lists entries in the order asked for") {
    const std::vector<listing_entry> entries{file("file10", 1), file("file2", 2000), folder("sub")};
    const auto by_name = render_listing("/", entries, true);
    CHECK(pos(by_name, "href=\"sub/\"") < pos(by_name, "href=\"file2\""));
    CHECK(pos(by_name, "href=\"file2\"") < pos(by_name, "href=\"file10\""));
    const auto by_size = render_listing("/", entries, true, {listing_sort::size, true});
    CHECK(pos(by_size, "href=\"sub/\"") < pos(by_size, "href=\"file2\""));
    CHECK(pos(by_size, "href=\"file2\"") < pos(by_size, "href=\"file10\""));
    const auto by_size_up = render_listing("/", entries, true, {listing_sort::size, false});
    CHECK(pos(by_size_up, "href=\"file10\"") < pos(by_size_up, "href=\"file2\""));
}

TEST_CASE("column heads link to the page sorted by that column, the current one reverses") {
    const auto page = render_listing("/", {}, true);
    CHECK(contains(page, "<th aria-sort=\"ascending\"><a href=\"?sort=name&amp;order=desc\">Name</a> \xE2\x96\xB2</th>"));
    CHECK(contains(page, "<th><a href=\"?sort=size&amp;order=asc\">Size</a></th>"));
    CHECK(contains(page, "<th><a href=\"?sort=date&amp;order=asc\">Modified</a></th>"));
    const auto by_date = render_listing("/", {}, true, {listing_sort::date, true});
    CHECK(contains(by_date, "<th><a href=\"?sort=name&amp;order=asc\">Name</a></th>"));
    CHECK(contains(by_date, "<th aria-sort=\"descending\"><a href=\"?sort=date&amp;order=asc\">Modified</a> \xE2\x96\xBC</th>"));
}

TEST_CASE("folder links and labels get a trailing slash") {
    const auto page = render_listing("/", {{"sub dir", true, 4096, 0}}, true);
    CHECK(contains(page, "<a href=\"sub%20dir/\">sub dir/</a>"));
}

TEST_CASE("hostile file names are escaped in text and encoded in hrefs") {
    const auto page = render_listing("/", {{"<script>alert(1)</script>", false, 1, 0},
                                           {"\" onmouseover=\"x", false, 1, 0},
                                           {"javascript:alert(1)", false, 1, 0},
                                           {"a&b'c", false, 1, 0}},
                                     true);
    CHECK_FALSE(contains(page, "<script>"));
    CHECK(contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    CHECK(contains(page, "href=\"%3Cscript%3Ealert%281%29%3C%2Fscript%3E\""));
    CHECK(contains(page, "href=\"%22%20onmouseover%3D%22x\""));
    CHECK(contains(page, "&quot; onmouseover=&quot;x"));
    CHECK(contains(page, "href=\"javascript%3Aalert%281%29\""));
    CHECK(contains(page, "a&amp;b&#39;c"));
}

TEST_CASE("url path in the title is escaped") {
    const auto page = render_listing("/<b>&\"/", {}, false);
    CHECK(contains(page, "<title>Index of /&lt;b&gt;&amp;&quot;/</title>"));
    CHECK_FALSE(contains(page, "<b>"));
}

TEST_CASE("files show human size and UTC date, folders show a dash") {
    const auto page = render_listing("/", {{"f.bin", false, 1229, 784111777}, {"d", true, 4096, 0}}, true);
    CHECK(contains(page, "<td class=\"size\">1.2 KiB</td>"));
    CHECK(contains(page, "<time datetime=\"1994-11-06T08:49:37Z\">1994-11-06 08:49:37 UTC</time>"));
    CHECK(contains(page, "<td class=\"size\">-</td>"));
    CHECK_FALSE(contains(page, "4.0 KiB"));
}

TEST_CASE("human_size uses binary units with one decimal") {
    CHECK(human_size(0) == "0 B");
    CHECK(human_size(1023) == "1023 B");
    CHECK(human_size(1024) == "1.0 KiB");
    CHECK(human_size(1229) == "1.2 KiB");
    CHECK(human_size(1536) == "1.5 KiB");
    CHECK(human_size(10 * 1024 * 1024) == "10.0 MiB");
    CHECK(human_size(1048575) == "1.0 MiB");  // rounds up across the unit boundary
    CHECK(human_size(1024ull * 1024 * 1024 * 3 / 2) == "1.5 GiB");
    CHECK(human_size(1ull << 40) == "1.0 TiB");
    CHECK(human_size(1ull << 60) == "1.0 EiB");
    CHECK(human_size(18446744073709551615ull) == "16.0 EiB");
}

TEST_CASE("empty directory renders a table with no rows at the root") {
    const auto page = render_listing("/", {}, true);
    CHECK(contains(page, "<tbody>\n</tbody>"));
}

TEST_CASE("keep_first keeps the first entries in the order asked for, whatever order they came in") {
    std::vector<listing_entry> entries;
    for (int i = 99; i >= 0; --i) entries.push_back(file("f" + std::to_string(i), static_cast<std::uint64_t>(i)));
    entries.push_back(folder("z"));
    auto by_name = entries;
    keep_first(by_name, {}, 5);
    CHECK(sorted(by_name) == std::vector<std::string>{"z", "f0", "f1", "f2", "f3"});
    auto biggest = entries;
    const listing_order size_desc{listing_sort::size, true};
    keep_first(biggest, size_desc, 3);
    CHECK(sorted(biggest, size_desc) == std::vector<std::string>{"z", "f99", "f98"});
    auto all = entries;
    keep_first(all, {}, 1000);
    CHECK(all.size() == entries.size());
}

TEST_CASE("a listing cut at its limit, or with names left out, says so above the table") {
    const auto cut = render_listing("/d/", {file("a"), file("b")}, false, {}, {5, 0});
    CHECK(cut.find("<p>The first 2 of 5 entries in this order are shown;") != std::string::npos);
    CHECK(cut.find("not listed") == std::string::npos);
    const auto left = render_listing("/d/", {file("a")}, false, {}, {1, 3});
    CHECK(left.find("The first") == std::string::npos);
    CHECK(left.find("<p>3 names are not listed: no URL can serve them") != std::string::npos);
    CHECK(render_listing("/d/", {file("a")}, false, {}, {1, 1}).find("<p>1 name is not listed") != std::string::npos);
    const auto plain = render_listing("/d/", {file("a")}, false);
    CHECK(plain.find("<p>") == std::string::npos);
}
