// udp-listen's view of the network: the probe decoder, and the session counts that the
// decoded probes drive (every field of a probe comes from whoever sent the datagram).
// Properties: any bytes decode safely; a decoded message encodes back to bytes that
// decode to the same message, and one encoded from any fields decodes to those fields;
// the counts stay consistent whatever sequence numbers and send times arrive: each
// datagram is counted once (received, duplicate or late), lost is expected - received,
// loss bursts fit in what was lost, no count wraps around.
// Input: one mode byte, then what that mode reads.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "fuzz_check.hpp"
#include "udp/probe.hpp"
#include "udp/session_stats.hpp"

namespace {

using namespace netlab::udp;

bool same(const probe::message& a, const probe::message& b) {
    return a.type == b.type && a.session == b.session && a.sequence == b.sequence && a.send_ns == b.send_ns &&
           (a.type != probe::message_type::report || a.report == b.report);
}

probe::decoded reencode(const probe::message& m) {
    std::array<std::byte, probe::report_size> buf{};
    std::size_t n = probe::header_size;
    if (m.type == probe::message_type::report) n = probe::encode_report(buf, m.session, m.send_ns, m.report);
    else probe::encode_header(buf, m.type, m.session, m.sequence, m.send_ns);
    return probe::decode(std::span<const std::byte>(buf.data(), n));
}

void check_decode(std::string_view bytes) {
    const auto d = probe::decode(std::as_bytes(std::span(bytes.data(), bytes.size())));
    if (d.status != probe::decode_status::ok) return;
    FUZZ_CHECK(bytes.size() >= probe::header_size && bytes.starts_with("NLUP"));
    if (d.msg.type == probe::message_type::report) FUZZ_CHECK(bytes.size() >= probe::report_size_for(probe::min_report_fields));
    auto m = d.msg;
    if (m.type == probe::message_type::report) m.sequence = m.report.expected;  // what encode_report writes
    const auto again = reencode(m);
    FUZZ_CHECK(again.status == probe::decode_status::ok && same(again.msg, m));
}

void check_encode(netlab::fuzz::input& in) {
    probe::message m;
    m.type = static_cast<probe::message_type>(1 + in.byte() % 4);
    m.session = in.u64();
    m.sequence = in.u64();
    m.send_ns = static_cast<std::int64_t>(in.u64());
    if (m.type == probe::message_type::report) {
        for (auto* f : {&m.report.expected, &m.report.received, &m.report.lost, &m.report.duplicates,
                        &m.report.out_of_order, &m.report.late, &m.report.reorder_extent, &m.report.loss_bursts,
                        &m.report.longest_burst, &m.report.jitter_ns, &m.report.ipdv_p50_ns, &m.report.ipdv_p90_ns,
                        &m.report.ipdv_p99_ns, &m.report.bytes, &m.report.duration_ns})
            *f = in.u64();
        m.sequence = m.report.expected;
    }
    const auto d = reencode(m);
    FUZZ_CHECK(d.status == probe::decode_status::ok && same(d.msg, m));
}

// A session fed datagrams as a hostile or broken sender might send them.
void check_session(netlab::fuzz::input& in) {
    session_stats s;
    std::uint64_t adds = 0;
    std::uint64_t base = in.u64() >> (in.byte() % 64);  // where the sequence numbers start
    std::int64_t arrival = 1'700'000'000'000'000'000;
    while (!in.rest().empty()) {
        const std::uint8_t kind = in.byte();
        std::uint64_t seq = base + in.byte();
        if (kind & 1) seq = base + in.u16() * 257u;  // jumps beyond the window
        if ((kind & 6) == 6) seq = in.u64();                             // anything at all
        const auto send = (kind & 8) ? static_cast<std::int64_t>(in.u64()) : arrival - 1000 * in.byte();
        arrival += in.byte() * 1000;
        if ((kind & 0xf0) == 0xf0) {
            s.close(in.u64() >> (in.byte() % 64));
            break;
        }
        s.add(seq, send, arrival, in.byte());
        ++adds;
        if (kind & 16) base += in.byte();
    }
    const auto r = s.report();
    FUZZ_CHECK(r.received == s.received());
    FUZZ_CHECK(r.received + r.duplicates + r.late == adds);  // each datagram counted once
    FUZZ_CHECK(r.received <= r.expected);
    FUZZ_CHECK(r.lost == r.expected - r.received);
    FUZZ_CHECK(r.out_of_order <= r.received);
    FUZZ_CHECK(r.longest_burst <= r.lost && r.loss_bursts <= r.lost);
    FUZZ_CHECK((r.lost == 0) == (r.loss_bursts == 0) || r.late > 0);
    FUZZ_CHECK(r.ipdv_p50_ns <= r.ipdv_p90_ns && r.ipdv_p90_ns <= r.ipdv_p99_ns);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    netlab::fuzz::input in(data, size);
    switch (in.byte() % 3) {
        case 0: check_decode(in.rest()); break;
        case 1: check_encode(in); break;
        default: check_session(in);
    }
    return 0;
}
