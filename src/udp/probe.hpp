// The probe wire format (docs/udp-probe.md): a 32-byte header on every probe datagram —
// magic "NLUP", version, type, session id, sequence number, send time — then padding, or
// for a report the listener's counts. Big-endian. Encoding and decoding are pure
// functions over bytes: no I/O, no allocation, any input is safe to decode.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace netlab::udp::probe {

inline constexpr std::array<std::byte, 4> magic{std::byte{'N'}, std::byte{'L'}, std::byte{'U'}, std::byte{'P'}};
inline constexpr std::uint8_t version = 1;
inline constexpr std::size_t header_size = 32;

enum class message_type : std::uint8_t {
    data = 1,    // one datagram of a measuring stream
    fin = 2,     // the stream ended; `sequence` is how many data datagrams were sent
    report = 3,  // the listener's counts for a session, the answer to fin
    ping = 4,    // a round-trip probe, returned as is by an echoing peer
};

// What a listener counted for one session; the body of a report message.
struct report_body {
    std::uint64_t expected = 0;        // highest sequence + 1, or the sender's count once closed
    std::uint64_t received = 0;        // distinct datagrams
    std::uint64_t lost = 0;            // expected - received
    std::uint64_t duplicates = 0;
    std::uint64_t out_of_order = 0;
    std::uint64_t late = 0;            // too far behind to be checked (see the window)
    std::uint64_t reorder_extent = 0;  // RFC 4737 §4.2, the largest seen
    std::uint64_t loss_bursts = 0;
    std::uint64_t longest_burst = 0;
    std::uint64_t jitter_ns = 0;       // RFC 3550 interarrival jitter
    std::uint64_t ipdv_p50_ns = 0;     // RFC 3393 |IPDV| percentiles
    std::uint64_t ipdv_p90_ns = 0;
    std::uint64_t ipdv_p99_ns = 0;
    std::uint64_t bytes = 0;           // UDP payload bytes of the distinct datagrams
    std::uint64_t duration_ns = 0;     // first to last arrival
    // Added after the first 15 (a report from an older listener leaves them 0):
    std::uint64_t first_sequence = 0;  // the lowest sequence number counted
    std::uint64_t flags = 0;           // report_flag bits: why these counts are not the whole stream
    friend bool operator==(const report_body&, const report_body&) = default;
};

// Bits of report_body::flags. Either one means the listener did not see the whole stream,
// so its `lost` is not a measurement of the path.
namespace report_flag {
// The listener had dropped this session for room (or restarted) and began it again at
// `first_sequence`: what came before was not counted.
inline constexpr std::uint64_t evicted = 1;
// The answer to a fin for a session the listener does not have (never seen, dropped, or
// opened from another address): every count is 0.
inline constexpr std::uint64_t unknown_session = 2;
}  // namespace report_flag

// A report carries a field count first, so a newer listener may add fields at the end
// and an older sender reads the ones it knows. Version 1 began with 15 fields; fewer are
// refused, missing later ones read as 0.
inline constexpr std::size_t min_report_fields = 15;
inline constexpr std::size_t report_fields = 17;
inline constexpr std::size_t report_size_for(std::size_t fields) { return header_size + 4 + fields * 8; }
inline constexpr std::size_t report_size = report_size_for(report_fields);
// A sender pads its fin to this size: the listener never answers an address with more
// bytes than it sent (docs/udp-probe.md, "Trust model"), so a shorter fin gets fewer
// report fields, or no report at all below min_report_fields.
inline constexpr std::size_t fin_size = report_size;

struct message {
    message_type type = message_type::data;
    std::uint64_t session = 0;
    std::uint64_t sequence = 0;
    std::int64_t send_ns = 0;  // the sender's clock, ns since 1970-01-01 UTC
    report_body report;        // type report only
};

enum class decode_status {
    ok,
    not_probe,            // too short for a header, or no magic: an ordinary datagram
    unsupported_version,  // a probe from a newer (or older) netlab
    unknown_type,
    short_report,         // a report cut off before its fields
};

struct decoded {
    decode_status status = decode_status::not_probe;
    message msg;
};

decoded decode(std::span<const std::byte> bytes) noexcept;

// Writes the 32-byte header into `out` (at least header_size bytes); the rest of `out`
// (padding) is left as it is.
void encode_header(std::span<std::byte> out, message_type type, std::uint64_t session, std::uint64_t sequence,
                   std::int64_t send_ns) noexcept;

// Writes a report message with its first `fields` fields (min_report_fields to
// report_fields; clamped) into `out` (at least report_size_for(fields) bytes); returns its size.
std::size_t encode_report(std::span<std::byte> out, std::uint64_t session, std::int64_t send_ns,
                          const report_body& report, std::size_t fields = report_fields) noexcept;

// How many report fields fit in an answer of at most `limit` bytes (the size of the fin it
// answers); 0 when not even min_report_fields do.
std::size_t report_fields_within(std::size_t limit) noexcept;

}  // namespace netlab::udp::probe
