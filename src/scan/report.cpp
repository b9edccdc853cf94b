#include "scan/report.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace netlab::scan {

void host_report::add(const port_result& r) {
    const auto i = index(r.state);
    if (++count_[i] <= fold_above || r.state == port_state::open) listed_[i].push_back(r);
}

bool host_report::is_folded(port_state s, bool open_only) const {
    return s != port_state::open && (open_only || count_[index(s)] > fold_above);
}

std::vector<port_result> host_report::rows(bool open_only) const {
    std::vector<port_result> out;
    for (auto s : {port_state::open, port_state::closed, port_state::filtered})
        if (!is_folded(s, open_only)) out.insert(out.end(), listed_[index(s)].begin(), listed_[index(s)].end());
    std::sort(out.begin(), out.end(), [](const port_result& a, const port_result& b) {
        return a.port < b.port;
    });
    return out;
}

std::vector<std::pair<port_state, std::uint64_t>> host_report::folded(bool open_only) const {
    std::vector<std::pair<port_state, std::uint64_t>> out;
    for (auto s : {port_state::closed, port_state::filtered})
        if (is_folded(s, open_only) && count(s) > 0) out.emplace_back(s, count(s));
    return out;
}

std::string escape_bytes(std::string_view bytes) {
    std::string out;
    for (const char ch : bytes) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '\\') out += "\\\\";
        else if (c == '\r') out += "\\r";
        else if (c == '\n') out += "\\n";
        else if (c == '\t') out += "\\t";
        else if (c >= 0x20 && c < 0x7f) out += ch;
        else out += fmt::format("\\x{:02x}", c);
    }
    return out;
}

}  // namespace netlab::scan
