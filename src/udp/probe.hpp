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
    friend bool operator==(const report_body&, const report_body&) = default;
};

// A report carries a field count first, so a newer listener may add fields at the end
// and an older sender reads the ones it knows.
inline constexpr std::size_t report_fields = 15;
inline constexpr std::size_t report_size = header_size + 4 + report_fields * 8;

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

// Writes a whole report message into `out` (at least report_size bytes); returns its size.
std::size_t encode_report(std::span<std::byte> out, std::uint64_t session, std::int64_t send_ns,
                          const report_body& report) noexcept;

}  // namespace netlab::udp::probe
