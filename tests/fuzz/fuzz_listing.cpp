// Directory listings: names are untrusted file-system bytes. Properties: natural_compare
// is a consistent order (a name equals itself, swapping flips the sign, and it is
// transitive), which std::sort needs to be safe at all; a sorted listing has folders
// first and is in order; and the rendered page carries no markup but its own: every '<'
// opens one of the page's tags, whatever the names and the title hold.
// Input: flags, the title, then entries (name, folder or file, size, modification time).
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "http/listing.hpp"

namespace {

using namespace netlab::http;

int sign(int x) { return (x > 0) - (x < 0); }

// The elements render_listing writes; nothing else may follow a '<' (or "</").
bool known_tag(std::string_view at) {
    static constexpr std::array<std::string_view, 16> names{"!DOCTYPE", "html", "head",  "meta",  "title", "style",
                                                            "body",     "h1",   "table", "thead", "tbody", "tr",
                                                            "th",       "td",   "a",     "time"};
    if (at.starts_with('/')) at.remove_prefix(1);
    for (const auto name : names)
        if (at.starts_with(name) && at.size() > name.size() && (at[name.size()] == ' ' || at[name.size()] == '>'))
            return true;
    return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    netlab::fuzz::input in(data, size);
    const std::uint8_t flags = in.byte();
    listing_order order;
    order.by = static_cast<listing_sort>(flags % 3);
    order.descending = (flags & 4) != 0;
    const bool is_root = (flags & 8) != 0;
    const std::string title(in.bytes(64));
    std::vector<listing_entry> entries;
    while (!in.rest().empty() && entries.size() < 12) {
        listing_entry e;
        e.name = std::string(in.bytes(24));
        e.is_dir = in.flag();
        e.size = in.u64();
        e.mtime_unix = static_cast<std::int64_t>(in.u64());
        entries.push_back(std::move(e));
    }

    for (const auto& a : entries) {
        FUZZ_CHECK(natural_compare(a.name, a.name) == 0);
        for (const auto& b : entries) {
            const int ab = natural_compare(a.name, b.name);
            FUZZ_CHECK(sign(ab) == -sign(natural_compare(b.name, a.name)));
            for (const auto& c : entries)
                if (ab <= 0 && natural_compare(b.name, c.name) <= 0) FUZZ_CHECK(natural_compare(a.name, c.name) <= 0);
        }
    }

    auto sorted = entries;
    sort_listing(sorted, order);
    FUZZ_CHECK(sorted.size() == entries.size());
    for (std::size_t i = 1; i < sorted.size(); ++i) {
        FUZZ_CHECK(sorted[i - 1].is_dir || !sorted[i].is_dir);  // folders first
        auto pair = std::vector<listing_entry>{sorted[i], sorted[i - 1]};
        sort_listing(pair, order);  // each neighbour pair is already in order
        FUZZ_CHECK(pair[0].name == sorted[i - 1].name && pair[0].is_dir == sorted[i - 1].is_dir);
    }

    const auto page = render_listing(title, entries, is_root, order);
    for (std::size_t at = page.find('<'); at != std::string::npos; at = page.find('<', at + 1))
        FUZZ_CHECK(known_tag(std::string_view(page).substr(at + 1)));

    (void)parse_listing_order(title);
    for (const auto& e : entries) {
        const auto h = human_size(e.size);
        FUZZ_CHECK(h.ends_with(" B") || h.ends_with("iB"));
    }
    return 0;
}
