// RFC 768 checksums against values computed apart from the code under test (Python's
// struct over the pseudo-header, kept here as literals), and the receiver's rule: the
// one's complement sum over pseudo-header, header and payload is 0xFFFF.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "udp/header.hpp"

using namespace netlab::udp;
using asio::ip::make_address;

namespace {

std::span<const std::byte> b(const std::string& s) { return std::as_bytes(std::span(s.data(), s.size())); }

// The receiver's check (RFC 1071): sum every 16-bit word of pseudo-header, header with
// its checksum, and padded payload; a correct datagram sums to 0xFFFF.
std::uint16_t verify_sum(const std::vector<std::uint8_t>& pseudo, std::uint16_t sport, std::uint16_t dport,
                         std::uint16_t sum_field, const std::string& payload) {
    std::vector<std::uint8_t> all = pseudo;
    const auto len = static_cast<std::uint16_t>(8 + payload.size());
    for (const std::uint16_t w : {sport, dport, len, sum_field}) {
        all.push_back(static_cast<std::uint8_t>(w >> 8));
        all.push_back(static_cast<std::uint8_t>(w & 0xFF));
    }
    all.insert(all.end(), payload.begin(), payload.end());
    if (all.size() % 2) all.push_back(0);
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i < all.size(); i += 2) sum += static_cast<std::uint32_t>(all[i] << 8 | all[i + 1]);
    while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
    return static_cast<std::uint16_t>(sum);
}

}  // namespace

TEST_CASE("IPv4 checksums match independently computed values") {
    CHECK(checksum(make_address("192.0.2.1"), 1234, make_address("198.51.100.2"), 53, b("hello")) == 0xcac3);
    CHECK(checksum(make_address("127.0.0.1"), 40000, make_address("127.0.0.1"), 9, b("odd")) == 0x9227);
    // IPv4-mapped addresses (a dual-stack socket's view) are the IPv4 datagram they were.
    CHECK(checksum(make_address("::ffff:192.0.2.1"), 1234, make_address("::ffff:198.51.100.2"), 53, b("hello")) == 0xcac3);
}

TEST_CASE("IPv6 checksums match independently computed values") {
    CHECK(checksum(make_address("2001:db8::1"), 1234, make_address("2001:db8::2"), 53, b("hello")) == 0x5b86);
    CHECK(checksum(make_address("::1"), 5555, make_address("::1"), 7, b("")) == 0xea22);
}

TEST_CASE("a correct checksum makes the receiver's sum 0xFFFF") {
    const std::string payload = "The quick brown fox jumps over the lazy dog.";
    const std::uint16_t c = checksum(make_address("10.1.2.3"), 5000, make_address("10.9.8.7"), 6000, b(payload));
    const auto len = static_cast<std::uint8_t>(8 + payload.size());
    const std::vector<std::uint8_t> pseudo{10, 1, 2, 3, 10, 9, 8, 7, 0, 17, 0, len};
    CHECK(verify_sum(pseudo, 5000, 6000, c, payload) == 0xFFFF);
}

TEST_CASE("a checksum that computes to zero is sent as 0xFFFF") {
    // Two spare payload bytes set to the checksum of the datagram with them zero make the
    // sum 0xFFFF, whose complement is 0.
    std::string payload = "abcd";
    payload += std::string(2, '\0');
    const std::uint16_t c = checksum(make_address("10.0.0.1"), 1, make_address("10.0.0.2"), 2, b(payload));
    payload[4] = static_cast<char>(c >> 8);
    payload[5] = static_cast<char>(c & 0xFF);
    CHECK(checksum(make_address("10.0.0.1"), 1, make_address("10.0.0.2"), 2, b(payload)) == 0xFFFF);
}

TEST_CASE("a received datagram's header is rebuilt from its record") {
    const std::string payload = "hello";
    netlab::platform::datagram d;
    d.bytes = b(payload);
    d.source = {make_address("::ffff:192.0.2.1"), 1234};
    d.destination = {make_address("::ffff:198.51.100.2"), 53};
    const auto h = header_of(d);
    CHECK(h.source_port == 1234);
    CHECK(h.destination_port == 53);
    CHECK(h.length == 13);
    CHECK(h.checksum_known);
    CHECK(h.checksum == 0xcac3);
    d.destination = {asio::ip::address_v6(), 53};  // the OS did not say where it went
    CHECK_FALSE(header_of(d).checksum_known);
}

TEST_CASE("the header box has the four fields in two rows") {
    const std::string box = header_box({1234, 53, 13, 0xcac3, true});
    CHECK(box.find("|  source port   |destination port|") != std::string::npos);
    CHECK(box.find("|      1234      |       53       |") != std::string::npos);
    CHECK(box.find("|       13       |     0xcac3     |") != std::string::npos);
}
