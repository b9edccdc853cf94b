#include "scan/services.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>

#include "netlab/platform/system_files.hpp"

namespace netlab::scan {
namespace {

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = lower(c);
    return out;
}

// Words of one line, up to a '#'.
std::vector<std::string_view> words(std::string_view line) {
    if (const auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
        const auto start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
        if (i > start) out.push_back(line.substr(start, i - start));
    }
    return out;
}

bool parse_tcp_port(std::string_view s, std::uint16_t& port) {
    const auto slash = s.find('/');
    if (slash == std::string_view::npos || lower(s.substr(slash + 1)) != "tcp" || slash == 0 || slash > 5) return false;
    unsigned v = 0;
    for (char c : s.substr(0, slash)) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + static_cast<unsigned>(c - '0');
    }
    if (v == 0 || v > 65535) return false;
    port = static_cast<std::uint16_t>(v);
    return true;
}

void add_unique(std::vector<std::uint16_t>& v, std::uint16_t p) {
    if (std::find(v.begin(), v.end(), p) == v.end()) v.push_back(p);
}

}  // namespace

std::vector<std::uint16_t> top_ports(std::size_t n) {
    const auto& table = top_ports_table();
    n = std::min(n, table.size());
    std::vector<std::uint16_t> out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) out.push_back(table[i].port);
    std::sort(out.begin(), out.end());
    return out;
}

services_db parse_services(std::string_view text) {
    services_db db;
    while (!text.empty()) {
        const auto nl = text.find('\n');
        const auto line = text.substr(0, nl);
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
        const auto w = words(line);
        std::uint16_t port = 0;
        if (w.size() < 2 || !parse_tcp_port(w[1], port)) continue;
        db.name_of.try_emplace(port, std::string(w[0]));
        add_unique(db.ports_of[lower(w[0])], port);
        for (std::size_t i = 2; i < w.size(); ++i) add_unique(db.ports_of[lower(w[i])], port);
    }
    return db;
}

const services_db& system_services() {
    static const services_db db = [] {
        std::ifstream in(platform::services_database_path(), std::ios::binary);
        const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
        return parse_services(text);
    }();
    return db;
}

std::string service_name(std::uint16_t port) {
    static const auto builtin = [] {
        std::unordered_map<std::uint16_t, std::string_view> m;
        for (const auto& e : top_ports_table()) m.emplace(e.port, e.name);
        return m;
    }();
    if (const auto it = builtin.find(port); it != builtin.end()) return std::string(it->second);
    const auto& sys = system_services();
    if (const auto it = sys.name_of.find(port); it != sys.name_of.end()) return it->second;
    return "unknown";
}

bool name_matches(std::string_view pattern, std::string_view name) {
    // Iterative glob with backtracking to the last '*'.
    std::size_t p = 0, n = 0, star = std::string_view::npos, mark = 0;
    while (n < name.size()) {
        // A '*' is always the wildcard, even facing a '*' in the name.
        if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            mark = n;
        } else if (p < pattern.size() && (pattern[p] == '?' || lower(pattern[p]) == lower(name[n]))) {
            ++p;
            ++n;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            n = ++mark;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

std::vector<std::uint16_t> ports_named(std::string_view pattern, const services_db& system) {
    std::vector<std::uint16_t> out;
    for (const auto& e : top_ports_table())
        if (e.name != "unknown" && name_matches(pattern, e.name)) add_unique(out, e.port);
    if (out.empty()) {
        for (const auto& [name, ports] : system.ports_of)
            if (name_matches(pattern, name))
                for (auto p : ports) add_unique(out, p);
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::uint16_t> ports_named(std::string_view pattern) { return ports_named(pattern, system_services()); }

}  // namespace netlab::scan
