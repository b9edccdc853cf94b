#include "udp/header.hpp"

#include <fmt/format.h>

namespace netlab::udp {
namespace {

constexpr std::uint32_t udp_protocol = 17;

asio::ip::address plain(const asio::ip::address& a) {
    if (a.is_v6() && a.to_v6().is_v4_mapped()) return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
    return a;
}

// Adds big-endian 16-bit words to a 64-bit accumulator (folded at the end).
std::uint64_t add_words(std::uint64_t sum, std::span<const std::byte> bytes) {
    std::size_t i = 0;
    for (; i + 1 < bytes.size(); i += 2)
        sum += (static_cast<std::uint64_t>(bytes[i]) << 8) | static_cast<std::uint64_t>(bytes[i + 1]);
    if (i < bytes.size()) sum += static_cast<std::uint64_t>(bytes[i]) << 8;  // padded with a zero byte
    return sum;
}

template <std::size_t N>
std::uint64_t add_address(std::uint64_t sum, const std::array<unsigned char, N>& bytes) {
    return add_words(sum, std::as_bytes(std::span(bytes)));
}

}  // namespace

std::uint16_t checksum(const asio::ip::address& source, std::uint16_t source_port,
                       const asio::ip::address& destination, std::uint16_t destination_port,
                       std::span<const std::byte> payload) {
    const auto src = plain(source);
    const auto dst = plain(destination);
    const std::uint32_t length = static_cast<std::uint32_t>(8 + payload.size());
    std::uint64_t sum = 0;
    if (src.is_v4() && dst.is_v4()) {
        sum = add_address(add_address(sum, src.to_v4().to_bytes()), dst.to_v4().to_bytes());
        sum += udp_protocol + length;  // zero byte + protocol, then the 16-bit UDP length
    } else {
        const auto s6 = src.is_v4() ? asio::ip::make_address_v6(asio::ip::v4_mapped, src.to_v4()) : src.to_v6();
        const auto d6 = dst.is_v4() ? asio::ip::make_address_v6(asio::ip::v4_mapped, dst.to_v4()) : dst.to_v6();
        sum = add_address(add_address(sum, s6.to_bytes()), d6.to_bytes());
        sum += (length >> 16) + (length & 0xFFFF) + udp_protocol;  // 32-bit length, 3 zero bytes, next header
    }
    sum += source_port + destination_port + length;  // the header, its checksum field zero
    sum = add_words(sum, payload);
    while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
    const auto result = static_cast<std::uint16_t>(~sum & 0xFFFF);
    return result == 0 ? 0xFFFF : result;
}

udp_header header_of(const platform::datagram& d) {
    udp_header h;
    h.source_port = d.source.port();
    h.destination_port = d.destination.port();
    h.length = static_cast<std::uint16_t>(8 + d.bytes.size());
    h.checksum_known = !d.destination.address().is_unspecified() && !d.truncated;
    if (h.checksum_known)
        h.checksum = checksum(d.source.address(), h.source_port, d.destination.address(), h.destination_port, d.bytes);
    return h;
}

std::string header_box(const udp_header& h) {
    const auto cell = [](const std::string& text) { return fmt::format("{:^16}", text); };
    const std::string rule = "+----------------+----------------+";
    return fmt::format(
        " 0              15 16             31\n"
        "{0}\n|{1}|{2}|\n|{3}|{4}|\n{0}\n|{5}|{6}|\n|{7}|{8}|\n{0}",
        rule, cell("source port"), cell("destination port"), cell(std::to_string(h.source_port)),
        cell(std::to_string(h.destination_port)), cell("length"), cell("checksum"), cell(std::to_string(h.length)),
        cell(h.checksum_known ? fmt::format("0x{:04x}", h.checksum) : "unknown"));
}

}  // namespace netlab::udp
