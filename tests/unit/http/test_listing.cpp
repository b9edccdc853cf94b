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

TEST_CASE("folders come first, then files, each by byte order of name") {
    std::vector<listing_entry> entries{
        {"b.txt", false, 1, 0}, {"Zed", true, 0, 0}, {"a.txt", false, 1, 0},
        {"alpha", true, 0, 0},  {"B.txt", false, 1, 0}, {"\xc3\xa9.txt", false, 1, 0},
    };
    const auto page = render_listing("/", entries, true);
    const auto zed = pos(page, "href=\"Zed/\"");
    const auto alpha = pos(page, "href=\"alpha/\"");
    const auto big_b = pos(page, "href=\"B.txt\"");
    const auto a = pos(page, "href=\"a.txt\"");
    const auto b = pos(page, "href=\"b.txt\"");
    const auto e_acute = pos(page, "href=\"%C3%A9.txt\"");
    CHECK(zed < alpha);
    CHECK(alpha < big_b);
    CHECK(big_b < a);
    CHECK(a < b);
    CHECK(b < e_acute);  // bytes >= 0x80 sort after ASCII
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
