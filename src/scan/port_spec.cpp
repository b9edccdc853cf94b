#include "scan/port_spec.hpp"

#include <algorithm>
#include <optional>

#include "scan/report.hpp"
#include "scan/services.hpp"

namespace netlab::scan {
namespace {

constexpr std::string_view expected = "expected ports 1-65535 as in 22,80,8000-8100, '-' for all, or names such as http";

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// A decimal port number 1..65535, or an error. Digits only: no sign, no spaces.
std::optional<std::uint16_t> port_number(std::string_view s, std::string& error) {
    if (s.empty() || !std::all_of(s.begin(), s.end(), is_digit)) {
        error = "'" + escape_bytes(s) + "' is not a port number";
        return std::nullopt;
    }
    const auto digits = s.substr(std::min(s.find_first_not_of('0'), s.size()));
    unsigned long v = 0;
    if (digits.size() <= 5)
        for (char c : digits) v = v * 10 + static_cast<unsigned long>(c - '0');
    if (digits.size() > 5 || v > 65535) {
        error = "port " + escape_bytes(s) + " is out of range";
        return std::nullopt;
    }
    if (v == 0) {
        error = "port 0 cannot be scanned";
        return std::nullopt;
    }
    return static_cast<std::uint16_t>(v);
}

bool is_service_word(std::string_view s) {
    bool letter = false;
    for (char c : s) {
        const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        letter = letter || alpha || c == '*' || c == '?';
        if (!alpha && !is_digit(c) && c != '-' && c != '_' && c != '.' && c != '+' && c != '*' && c != '?')
            return false;
    }
    return letter;
}

// Inclusive runs of ports, as the entries name them.
using port_runs = std::vector<std::pair<std::uint16_t, std::uint16_t>>;

// One comma-separated entry into `out`; false with `error` set when it is bad.
bool parse_entry(std::string_view entry, const service_lookup& lookup, port_runs& out, std::string& error) {
    if (entry.size() >= 2 && entry[1] == ':') {
        const char proto = entry[0];
        if (proto == 'T' || proto == 't') {
            entry.remove_prefix(2);
        } else if (proto == 'U' || proto == 'u' || proto == 'S' || proto == 's' || proto == 'P' || proto == 'p') {
            error = "'" + escape_bytes(entry) + "': portscan scans TCP ports only (T: or no prefix)";
            return false;
        }
    }
    if (entry.empty()) {
        error = "empty entry";
        return false;
    }
    if (!std::all_of(entry.begin(), entry.end(), [](char c) { return is_digit(c) || c == '-'; })) {
        if (!is_service_word(entry)) {
            error = "'" + escape_bytes(entry) + "' is not a port number, range or service name";
            return false;
        }
        const auto ports = lookup ? lookup(entry) : std::vector<std::uint16_t>{};
        if (ports.empty()) {
            error = "unknown service name '" + escape_bytes(entry) + "'";
            return false;
        }
        for (const auto p : ports) out.emplace_back(p, p);
        return true;
    }
    const auto dash = entry.find('-');
    if (dash == std::string_view::npos) {
        const auto p = port_number(entry, error);
        if (p) out.emplace_back(*p, *p);
        return p.has_value();
    }
    const auto low_text = entry.substr(0, dash);
    const auto high_text = entry.substr(dash + 1);
    if (high_text.find('-') != std::string_view::npos) {
        error = "'" + escape_bytes(entry) + "' is not a range (one '-' between two ports)";
        return false;
    }
    // nmap: an omitted start is 1, an omitted end 65535 ("-" alone is every port).
    const auto low = low_text.empty() ? std::optional<std::uint16_t>(1) : port_number(low_text, error);
    if (!low) return false;
    const auto high = high_text.empty() ? std::optional<std::uint16_t>(65535) : port_number(high_text, error);
    if (!high) return false;
    if (*low > *high) {
        error = "range " + escape_bytes(entry) + " is reversed (LOW-HIGH with LOW <= HIGH)";
        return false;
    }
    out.emplace_back(*low, *high);
    return true;
}

}  // namespace

port_spec_result parse_port_spec(std::string_view spec, const service_lookup& lookup) {
    port_spec_result r;
    if (trim(spec).empty()) {
        r.error = std::string("empty port list; ") + std::string(expected);
        return r;
    }
    port_runs runs;
    std::size_t start = 0;
    while (true) {
        const auto comma = spec.find(',', start);
        const auto entry = trim(spec.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
        std::string why;
        if (!parse_entry(entry, lookup, runs, why)) {
            r.error = "bad port list '" + escape_bytes(spec) + "': " + why + "; " + std::string(expected);
            return r;
        }
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    // Runs, not ports, are collected and sorted: "-,-,-,..." costs memory per entry, never
    // 65,535 ports per entry (found by tests/fuzz/fuzz_port_spec).
    std::sort(runs.begin(), runs.end());
    std::vector<std::uint16_t> ports;
    unsigned next = 1;  // the lowest port not listed yet
    for (const auto& [low, high] : runs) {
        for (unsigned p = std::max<unsigned>(low, next); p <= high; ++p) ports.push_back(static_cast<std::uint16_t>(p));
        next = std::max<unsigned>(next, high + 1u);
    }
    r.ports = std::move(ports);
    return r;
}

port_spec_result parse_port_spec(std::string_view spec) {
    return parse_port_spec(spec, [](std::string_view name) { return ports_named(name); });
}

}  // namespace netlab::scan
