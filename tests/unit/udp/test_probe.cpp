#include <doctest/doctest.h>

#include <array>
#include <random>
#include <vector>

#include "udp/probe.hpp"

using namespace netlab::udp::probe;

TEST_CASE("a data header encodes big-endian and decodes back") {
    std::array<std::byte, 64> buf{};
    encode_header(buf, message_type::data, 0x0102030405060708, 42, 1'700'000'000'123'456'789);
    CHECK(buf[0] == std::byte{'N'});
    CHECK(buf[3] == std::byte{'P'});
    CHECK(buf[4] == std::byte{1});
    CHECK(buf[5] == std::byte{1});
    CHECK(buf[8] == std::byte{0x01});
    CHECK(buf[15] == std::byte{0x08});
    CHECK(buf[23] == std::byte{42});
    const auto d = decode(buf);
    REQUIRE(d.status == decode_status::ok);
    CHECK(d.msg.type == message_type::data);
    CHECK(d.msg.session == 0x0102030405060708);
    CHECK(d.msg.sequence == 42);
    CHECK(d.msg.send_ns == 1'700'000'000'123'456'789);
}

TEST_CASE("a report carries every field") {
    report_body r;
    r.expected = 100;
    r.received = 96;
    r.lost = 4;
    r.duplicates = 1;
    r.out_of_order = 2;
    r.late = 0;
    r.reorder_extent = 3;
    r.loss_bursts = 2;
    r.longest_burst = 3;
    r.jitter_ns = 12345;
    r.ipdv_p50_ns = 1;
    r.ipdv_p90_ns = 2;
    r.ipdv_p99_ns = 3;
    r.bytes = 6144;
    r.duration_ns = 999;
    r.first_sequence = 4;
    r.flags = report_flag::evicted;
    std::array<std::byte, report_size> buf{};
    CHECK(encode_report(buf, 7, 5, r) == report_size);
    const auto d = decode(buf);
    REQUIRE(d.status == decode_status::ok);
    CHECK(d.msg.type == message_type::report);
    CHECK(d.msg.session == 7);
    CHECK(d.msg.report == r);
}

TEST_CASE("a report from a newer listener with more fields still decodes") {
    std::vector<std::byte> buf(report_size + 16);
    report_body r;
    r.received = 5;
    encode_report(buf, 1, 0, r);
    buf[header_size + 3] = std::byte{report_fields + 2};  // two fields we do not know
    const auto d = decode(buf);
    REQUIRE(d.status == decode_status::ok);
    CHECK(d.msg.report.received == 5);
}

TEST_CASE("a report from an older listener (15 fields) decodes with the later fields 0") {
    report_body r;
    r.expected = 9;
    r.received = 8;
    r.lost = 1;
    r.first_sequence = 3;
    r.flags = report_flag::evicted;
    std::array<std::byte, report_size> buf{};
    const std::size_t n = encode_report(buf, 1, 0, r, min_report_fields);
    CHECK(n == report_size_for(min_report_fields));
    CHECK(n == 156);  // version 1's report, as docs/udp-probe.md gives it
    const auto d = decode(std::span<const std::byte>(buf.data(), n));
    REQUIRE(d.status == decode_status::ok);
    CHECK(d.msg.report.expected == 9);
    CHECK(d.msg.report.lost == 1);
    CHECK(d.msg.report.first_sequence == 0);
    CHECK(d.msg.report.flags == 0);
    CHECK(decode(std::span<const std::byte>(buf.data(), n - 1)).status == decode_status::short_report);
}

TEST_CASE("an answer never holds more report fields than the fin's size allows") {
    CHECK(report_fields_within(header_size) == 0);  // a version-1 fin: no answer
    CHECK(report_fields_within(report_size_for(min_report_fields) - 1) == 0);
    CHECK(report_fields_within(report_size_for(min_report_fields)) == min_report_fields);
    CHECK(report_fields_within(report_size - 1) == report_fields - 1);
    CHECK(report_fields_within(fin_size) == report_fields);
    CHECK(report_fields_within(65'507) == report_fields);
    for (std::size_t limit = 0; limit < 400; ++limit) {
        const std::size_t fields = report_fields_within(limit);
        if (fields > 0) CHECK(report_size_for(fields) <= limit);
    }
}

TEST_CASE("what is not a probe says why") {
    std::array<std::byte, 64> buf{};
    CHECK(decode(std::span(buf).first(10)).status == decode_status::not_probe);
    CHECK(decode(buf).status == decode_status::not_probe);  // no magic
    encode_header(buf, message_type::ping, 1, 2, 3);
    CHECK(decode(std::span(buf).first(header_size - 1)).status == decode_status::not_probe);
    buf[4] = std::byte{2};
    CHECK(decode(buf).status == decode_status::unsupported_version);
    buf[4] = std::byte{1};
    buf[5] = std::byte{9};
    CHECK(decode(buf).status == decode_status::unknown_type);
    buf[5] = std::byte{3};  // a report without its fields
    CHECK(decode(std::span(buf).first(header_size + 2)).status == decode_status::short_report);
    CHECK(decode(buf).status == decode_status::short_report);  // field count 0
}

TEST_CASE("any bytes decode without harm") {
    std::mt19937_64 rng(7);
    std::vector<std::byte> buf(report_size + 8);
    for (int round = 0; round < 20000; ++round) {
        const std::size_t n = rng() % buf.size();
        for (auto& x : buf) x = static_cast<std::byte>(rng());
        if (round % 2) std::copy(magic.begin(), magic.end(), buf.begin());
        if (round % 4 == 1) buf[4] = std::byte{version};
        const auto d = decode(std::span(buf).first(n));
        CHECK((d.status != decode_status::ok || n >= header_size));
    }
}
