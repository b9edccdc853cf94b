#include "scan/targets.hpp"

#include <asio/io_context.hpp>
#include <asio/ip/address.hpp>
#include <asio/ip/tcp.hpp>
#include <algorithm>
#include <charconv>
#include <unordered_set>
#include <fmt/format.h>

#include "net/resolve.hpp"
#include "net/socket_trace.hpp"
#include "netlab/platform/trace.hpp"

namespace netlab::scan {
namespace {

bool family_ok(const asio::ip::address& a, ip_family f, const std::string& text, std::string& error) {
    if (f == ip_family::v4 && a.is_v6()) error = fmt::format("'{}' is an IPv6 target but -4 was given", text);
    if (f == ip_family::v6 && a.is_v4()) error = fmt::format("'{}' is an IPv4 target but -6 was given", text);
    return error.empty();
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// An IPv4 literal in the one form every OS reads alike: four numbers of 1-3 digits.
// (Windows' address parser, like inet_aton, also takes "127.1" and "12345"; glibc's
// inet_pton does not.)
bool dotted_quad(std::string_view s) {
    int parts = 0;
    for (bool more = true; more;) {
        const auto dot = s.find('.');
        more = dot != std::string_view::npos;
        const auto part = s.substr(0, dot);
        if (more) s.remove_prefix(dot + 1);
        if (part.empty() || part.size() > 3 || !std::all_of(part.begin(), part.end(), is_digit)) return false;
        ++parts;
    }
    return parts == 4;
}

// make_address, with IPv4 only as a dotted quad.
asio::ip::address parse_address(const std::string& text, std::error_code& ec) {
    auto a = asio::ip::make_address(text, ec);
    if (!ec && a.is_v4() && !dotted_quad(text)) ec = std::make_error_code(std::errc::invalid_argument);
    return a;
}

enum class name_check { ok, bad, numeric };

// RFC 1123 §2.1: labels of letters, digits and inner hyphens ('_' too, which real names
// carry: _dmarc, service records), 1-63 bytes each, 253 in all, a final dot allowed. The
// last label is never all digits (RFC 3696 §2), and holds a letter (every top-level
// domain does): "300.1.1.1" is a mistyped address and "10.0.0.1-5" an nmap address
// range, not names to ask a resolver about (the question would leave the machine).
name_check check_host_name(std::string_view s) {
    if (!s.empty() && s.back() == '.') s.remove_suffix(1);
    if (s.empty() || s.size() > 253) return name_check::bad;
    std::string_view label;
    for (bool more = true; more;) {
        const auto dot = s.find('.');
        more = dot != std::string_view::npos;
        label = s.substr(0, dot);
        if (more) s.remove_prefix(dot + 1);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return name_check::bad;
        for (const char c : label) {
            const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '-' || c == '_';
            if (!ok) return name_check::bad;
        }
    }
    if (std::all_of(label.begin(), label.end(), is_digit)) return name_check::numeric;
    const auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
    return std::any_of(label.begin(), label.end(), letter) ? name_check::ok : name_check::bad;
}

// A link-local IPv6 address means nothing without its interface (RFC 4007 §6): no
// connect could say where to send it.
bool scope_ok(const asio::ip::address& a, const std::string& text, std::string& error) {
    if (!a.is_v6() || !a.to_v6().is_link_local() || a.to_v6().scope_id() != 0) return true;
    const auto percent = text.find('%');
    if (percent != std::string::npos) {
        auto name = text.substr(percent + 1);
        name = name.substr(0, name.find_first_of("/]"));
        error = fmt::format("'{}': no network interface '{}'; expected a link-local address with its interface, as in fe80::1%eth0",
                            text, name);
    } else {
        error = fmt::format("'{}' is a link-local address: add its network interface, as in fe80::1%eth0", text);
    }
    return false;
}

// Every address of the block `base`/`prefix`, or an error.
bool expand_block(const std::string& text, const asio::ip::address& base, unsigned prefix,
                  std::vector<std::string>& out, std::string& error) {
    const unsigned bits = base.is_v4() ? 32 : 128;
    if (prefix > bits) {
        error = fmt::format("'{}': prefix length must be 0-{}", text, bits);
        return false;
    }
    const unsigned host_bits = bits - prefix;
    if (host_bits > 16) {
        error = fmt::format("'{}' holds more than 65,536 addresses; at most a /{} block can be scanned at once", text,
                            bits - 16);
        return false;
    }
    const std::uint32_t count = 1u << host_bits;
    if (base.is_v4()) {
        const std::uint32_t mask = host_bits == 32 ? 0 : ~((1u << host_bits) - 1);
        const std::uint32_t first = base.to_v4().to_uint() & mask;
        for (std::uint32_t i = 0; i < count; ++i) out.push_back(asio::ip::address_v4(first + i).to_string());
        return true;
    }
    // A link-local block's addresses are all on its base address's interface.
    const auto scope = base.to_v6().scope_id();
    auto bytes = base.to_v6().to_bytes();
    // At most the last 16 bits vary: clear them (and any partial byte above them).
    for (unsigned b = 0; b < host_bits; ++b) {
        const unsigned byte = 15 - b / 8;
        bytes[byte] = static_cast<unsigned char>(bytes[byte] & ~(1u << (b % 8)));
    }
    const unsigned low = (static_cast<unsigned>(bytes[14]) << 8) | bytes[15];
    for (std::uint32_t i = 0; i < count; ++i) {
        const unsigned v = low + i;
        bytes[14] = static_cast<unsigned char>(v >> 8);
        bytes[15] = static_cast<unsigned char>(v & 0xff);
        out.push_back(asio::ip::address_v6(bytes, scope).to_string());
    }
    return true;
}

bool parse_one(const std::string& text, ip_family family, target_spec& spec, std::string& error) {
    spec.text = text;
    std::string body = text;
    if (body.size() > 2 && body.front() == '[' && body.back() == ']') body = body.substr(1, body.size() - 2);
    std::error_code ec;
    if (const auto slash = body.find('/'); slash != std::string::npos) {
        const auto base = parse_address(body.substr(0, slash), ec);
        if (ec) {
            error = fmt::format("'{}': a CIDR block needs an IP address before the '/' (e.g. 192.168.1.0/24)", text);
            return false;
        }
        const auto len = std::string_view(body).substr(slash + 1);
        unsigned prefix = 0;
        const auto [end, err] = std::from_chars(len.data(), len.data() + len.size(), prefix);
        if (len.empty() || err != std::errc{} || end != len.data() + len.size()) {
            error = fmt::format("'{}': the prefix length after '/' must be a number (e.g. /24)", text);
            return false;
        }
        return family_ok(base, family, text, error) && scope_ok(base, text, error) &&
               expand_block(text, base, prefix, spec.addresses, error);
    }
    const auto literal = parse_address(body, ec);
    if (!ec) {
        spec.addresses.push_back(literal.to_string());
        return family_ok(literal, family, text, error) && scope_ok(literal, text, error);
    }
    const auto name = check_host_name(text);
    if (name == name_check::numeric) {
        error = fmt::format("'{}' is not a valid IPv4 address; expected four numbers 0-255, as in 192.0.2.1", text);
        return false;
    }
    if (name == name_check::bad) {
        // nmap's octet ranges (10.0.0.1-5) are not taken: a block says the same.
        const bool range = !text.empty() && is_digit(text.front()) && text.find('-') != std::string::npos &&
                           text.find_first_not_of("0123456789.-") == std::string::npos;
        error = fmt::format("'{}' is not a host name, IP address or CIDR block{}", text,
                            range ? " (address ranges are not supported; give a CIDR block such as 10.0.0.0/29)" : "");
        return false;
    }
    spec.hostname = true;
    return true;
}

// A name as a resolver compares it: case-insensitive, a final dot or none.
std::string name_key(std::string_view name) {
    if (!name.empty() && name.back() == '.') name.remove_suffix(1);
    std::string key(name);
    for (char& c : key)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return key;
}

}  // namespace

targets_result parse_targets(const std::vector<std::string>& texts, ip_family family) {
    targets_result r;
    std::uint64_t total = 0;
    // What was given twice (the same address, a block holding one already listed, the
    // same name) is scanned once, where it first appeared.
    std::unordered_set<std::string> seen;
    for (const auto& text : texts) {
        target_spec spec;
        if (!parse_one(text, family, spec, r.error)) return r;
        if (spec.hostname && !seen.insert(name_key(spec.text)).second) continue;
        std::erase_if(spec.addresses, [&seen](const std::string& a) { return !seen.insert(a).second; });
        if (!spec.hostname && spec.addresses.empty()) continue;
        total += spec.hostname ? 1 : spec.addresses.size();
        if (total > max_addresses) {
            r.error = fmt::format("the targets hold more than 65,536 addresses; scan them in parts");
            return r;
        }
        r.specs.push_back(std::move(spec));
    }
    if (r.specs.empty()) r.error = "no target given; expected a host name, IP address or CIDR block";
    return r;
}

namespace {

resolved_name lookup(const std::string& host, ip_family family) {
    resolved_name out;
    if (host == "localhost" || host == "localhost.") {
        // RFC 6761 §6.3: loopback without asking a resolver (as `get` does), both families.
        out.address = family == ip_family::v6 ? "::1" : "127.0.0.1";
        if (family == ip_family::any) out.others.emplace_back("::1");
        return out;
    }
    asio::io_context ctx;
    asio::ip::tcp::resolver resolver(ctx);
    std::error_code ec;
    const auto results = family == ip_family::v4   ? resolver.resolve(asio::ip::tcp::v4(), host, "", ec)
                         : family == ip_family::v6 ? resolver.resolve(asio::ip::tcp::v6(), host, "", ec)
                                                   : resolver.resolve(host, "", ec);
    if (ec) {
        out.error = ec;
        return out;
    }
    std::vector<std::string> v4, v6;
    for (const auto& r : results) {
        const auto a = r.endpoint().address();
        auto& list = a.is_v4() ? v4 : v6;
        const auto s = a.to_string();
        if (std::find(list.begin(), list.end(), s) == list.end()) list.push_back(s);
    }
    auto& first = family == ip_family::v6 ? v6 : v4;
    auto& second = family == ip_family::v6 ? v4 : v6;
    for (auto* list : {&first, &second})
        for (auto& a : *list) {
            if (out.address.empty()) out.address = a;
            else out.others.push_back(a);
        }
    if (out.address.empty()) out.error = asio::error::host_not_found;
    return out;
}

}  // namespace

resolved_name resolve_name(const std::string& host, ip_family family) {
    auto out = lookup(host, family);
    if (platform::tracing_enabled()) {
        std::vector<asio::ip::address> found;
        std::error_code ignored;
        if (!out.address.empty()) found.push_back(asio::ip::make_address(out.address, ignored));
        for (const auto& a : out.others) found.push_back(asio::ip::make_address(a, ignored));
        const bool local = host == "localhost" || host == "localhost.";
        net::trace_resolve(host, found, out.error, local ? net::localhost_answer : "system resolver");
    }
    return out;
}

}  // namespace netlab::scan
