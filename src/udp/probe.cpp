#include "udp/probe.hpp"

#include <algorithm>

namespace netlab::udp::probe {
namespace {

std::uint64_t read_u64(const std::byte* p) noexcept {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<std::uint64_t>(p[i]);
    return v;
}

std::uint32_t read_u32(const std::byte* p) noexcept {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<std::uint32_t>(p[i]);
    return v;
}

void write_u64(std::byte* p, std::uint64_t v) noexcept {
    for (int i = 7; i >= 0; --i, v >>= 8) p[i] = static_cast<std::byte>(v & 0xFF);
}

void write_u32(std::byte* p, std::uint32_t v) noexcept {
    for (int i = 3; i >= 0; --i, v >>= 8) p[i] = static_cast<std::byte>(v & 0xFF);
}

// The report's fields in wire order: one table for encoding and decoding.
constexpr std::array<std::uint64_t report_body::*, report_fields> field_order{
    &report_body::expected,      &report_body::received,       &report_body::lost,
    &report_body::duplicates,    &report_body::out_of_order,   &report_body::late,
    &report_body::reorder_extent, &report_body::loss_bursts,   &report_body::longest_burst,
    &report_body::jitter_ns,     &report_body::ipdv_p50_ns,    &report_body::ipdv_p90_ns,
    &report_body::ipdv_p99_ns,   &report_body::bytes,          &report_body::duration_ns,
    &report_body::first_sequence, &report_body::flags,
};

}  // namespace

decoded decode(std::span<const std::byte> bytes) noexcept {
    decoded out;
    if (bytes.size() < header_size || !std::equal(magic.begin(), magic.end(), bytes.begin())) return out;
    const std::byte* p = bytes.data();
    if (static_cast<std::uint8_t>(p[4]) != version) {
        out.status = decode_status::unsupported_version;
        return out;
    }
    const auto type = static_cast<std::uint8_t>(p[5]);
    if (type < static_cast<std::uint8_t>(message_type::data) || type > static_cast<std::uint8_t>(message_type::ping)) {
        out.status = decode_status::unknown_type;
        return out;
    }
    out.msg.type = static_cast<message_type>(type);
    out.msg.session = read_u64(p + 8);
    out.msg.sequence = read_u64(p + 16);
    out.msg.send_ns = static_cast<std::int64_t>(read_u64(p + 24));
    if (out.msg.type == message_type::report) {
        if (bytes.size() < header_size + 4) {
            out.status = decode_status::short_report;
            return out;
        }
        const std::uint32_t count = read_u32(p + header_size);
        const std::size_t known = std::min<std::size_t>(count, report_fields);
        if (bytes.size() < header_size + 4 + known * 8 || count < min_report_fields) {
            out.status = decode_status::short_report;
            return out;
        }
        for (std::size_t i = 0; i < known; ++i) out.msg.report.*field_order[i] = read_u64(p + header_size + 4 + i * 8);
    }
    out.status = decode_status::ok;
    return out;
}

void encode_header(std::span<std::byte> out, message_type type, std::uint64_t session, std::uint64_t sequence,
                   std::int64_t send_ns) noexcept {
    std::byte* p = out.data();
    std::copy(magic.begin(), magic.end(), p);
    p[4] = static_cast<std::byte>(version);
    p[5] = static_cast<std::byte>(type);
    p[6] = p[7] = std::byte{0};
    write_u64(p + 8, session);
    write_u64(p + 16, sequence);
    write_u64(p + 24, static_cast<std::uint64_t>(send_ns));
}

std::size_t encode_report(std::span<std::byte> out, std::uint64_t session, std::int64_t send_ns,
                          const report_body& report, std::size_t fields) noexcept {
    fields = std::clamp(fields, min_report_fields, report_fields);
    encode_header(out, message_type::report, session, report.expected, send_ns);
    std::byte* p = out.data() + header_size;
    write_u32(p, static_cast<std::uint32_t>(fields));
    for (std::size_t i = 0; i < fields; ++i) write_u64(p + 4 + i * 8, report.*field_order[i]);
    return report_size_for(fields);
}

std::size_t report_fields_within(std::size_t limit) noexcept {
    if (limit < report_size_for(min_report_fields)) return 0;
    return std::min(report_fields, (limit - header_size - 4) / 8);
}

}  // namespace netlab::udp::probe
