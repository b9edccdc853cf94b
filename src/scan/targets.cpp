#include "scan/targets.hpp"

#include <asio/io_context.hpp>
#include <asio/ip/address.hpp>
#include <asio/ip/tcp.hpp>
#include <charconv>
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

bool valid_host_name(std::string_view s) {
    if (s.empty() || s.size() > 253 || s.front() == '-' || s.front() == '.') return false;
    for (char c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                        c == '.' || c == '_';
        if (!ok) return false;
    }
    return true;
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
        out.push_back(asio::ip::address_v6(bytes).to_string());
    }
    return true;
}

bool parse_one(const std::string& text, ip_family family, target_spec& spec, std::string& error) {
    spec.text = text;
    std::string body = text;
    if (body.size() > 2 && body.front() == '[' && body.back() == ']') body = body.substr(1, body.size() - 2);
    std::error_code ec;
    if (const auto slash = body.find('/'); slash != std::string::npos) {
        const auto base = asio::ip::make_address(body.substr(0, slash), ec);
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
        return family_ok(base, family, text, error) && expand_block(text, base, prefix, spec.addresses, error);
    }
    const auto literal = asio::ip::make_address(body, ec);
    if (!ec) {
        spec.addresses.push_back(literal.to_string());
        return family_ok(literal, family, text, error);
    }
    if (!valid_host_name(text)) {
        error = fmt::format("'{}' is not a host name, IP address or CIDR block", text);
        return false;
    }
    spec.hostname = true;
    return true;
}

}  // namespace

targets_result parse_targets(const std::vector<std::string>& texts, ip_family family) {
    targets_result r;
    std::uint64_t total = 0;
    for (const auto& text : texts) {
        target_spec spec;
        if (!parse_one(text, family, spec, r.error)) return r;
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
