#include "commands/udp_output.hpp"

#include <fmt/format.h>

#include <cmath>

#include "cli/text.hpp"
#include "commands/event_time.hpp"
#include "net/endpoint.hpp"
#include "udp/header.hpp"

namespace netlab::commands {
namespace {

double ms(std::uint64_t ns) { return static_cast<double>(ns) / 1e6; }

double per_second(std::uint64_t n, std::uint64_t duration_ns) {
    return duration_ns == 0 ? 0.0 : static_cast<double>(n) * 1e9 / static_cast<double>(duration_ns);
}

double lost_percent(const udp::probe::report_body& r) {
    return r.expected == 0 ? 0.0 : 100.0 * static_cast<double>(r.lost) / static_cast<double>(r.expected);
}

std::string bit_rate(double bits_per_s) {
    if (bits_per_s >= 1e9) return fmt::format("{:.2f} Gbit/s", bits_per_s / 1e9);
    if (bits_per_s >= 1e6) return fmt::format("{:.2f} Mbit/s", bits_per_s / 1e6);
    return fmt::format("{:.1f} kbit/s", bits_per_s / 1e3);
}

std::string plural(std::uint64_t n, std::string_view one, std::string_view many) {
    return fmt::format("{} {}", cli::grouped(n), n == 1 ? one : many);
}

}  // namespace

void print_datagram(cli::output& out, std::string_view event, const platform::datagram& d, const payload_view& view) {
    const std::int64_t unix_ms = d.arrival_ns / 1'000'000;
    const std::string source = net::to_string(d.source);
    const bool destination_known = !d.destination.address().is_unspecified();
    const std::string destination = destination_known ? net::to_string(d.destination) : fmt::format("*:{}", d.destination.port());
    cli::json_object o;
    o.add("event", event).add("time", iso_time_ms(unix_ms)).add("source", source).add("destination", destination);
    if (d.interface_index != 0) o.add("interface", d.interface_index);
    o.add("length", static_cast<std::uint64_t>(d.bytes.size())).add("truncated", d.truncated);
    if (view.hex) o.add("payload_hex", cli::hex_string(d.bytes));
    else o.add("payload", cli::escaped_text(d.bytes));
    std::string human = fmt::format("{} {} -> {} {}{}", iso_time_ms(unix_ms), source, destination,
                                    plural(d.bytes.size(), "byte", "bytes"), d.truncated ? " (truncated)" : "");
    // A netlab ping says what it is rather than showing its binary header as text.
    const auto probe = udp::probe::decode(d.bytes);
    const bool ping = probe.status == udp::probe::decode_status::ok && probe.msg.type == udp::probe::message_type::ping;
    if (ping) o.add("ping_session", session_text(probe.msg.session)).add("ping_seq", probe.msg.sequence);
    if (view.hex) human += d.bytes.empty() ? "" : "\n" + cli::hex_dump(d.bytes);
    else if (ping) human += fmt::format(": netlab ping seq={} session {}", probe.msg.sequence, session_text(probe.msg.session));
    else human += ": " + cli::escaped_text(d.bytes);
    if (view.headers) {
        const auto h = udp::header_of(d);
        cli::json_object fields;
        fields.add("source_port", static_cast<unsigned>(h.source_port))
            .add("destination_port", static_cast<unsigned>(h.destination_port))
            .add("length", static_cast<unsigned>(h.length));
        if (h.checksum_known) fields.add("checksum", static_cast<unsigned>(h.checksum));
        else fields.add_null("checksum");
        o.add_raw("header", fields.str());
        human += "\n" + udp::header_box(h);
    }
    out.result(o, human);
}

void add_report_fields(cli::json_object& o, const udp::probe::report_body& r) {
    o.add("expected", r.expected)
        .add("received", r.received)
        .add("lost", r.lost)
        .add("lost_percent", lost_percent(r))
        .add("duplicates", r.duplicates)
        .add("out_of_order", r.out_of_order)
        .add("reorder_extent", r.reorder_extent)
        .add("late", r.late)
        .add("loss_bursts", r.loss_bursts)
        .add("longest_loss_burst", r.longest_burst)
        .add("jitter_ms", ms(r.jitter_ns))
        .add("ipdv_p50_ms", ms(r.ipdv_p50_ns))
        .add("ipdv_p90_ms", ms(r.ipdv_p90_ns))
        .add("ipdv_p99_ms", ms(r.ipdv_p99_ns))
        .add("bytes", r.bytes)
        .add("duration_s", static_cast<double>(r.duration_ns) / 1e9)
        .add("datagrams_per_s", per_second(r.received, r.duration_ns))
        .add("bits_per_s", per_second(r.bytes * 8, r.duration_ns))
        .add("first_sequence", r.first_sequence)
        .add("evicted", (r.flags & udp::probe::report_flag::evicted) != 0);
}

std::string report_text(const udp::probe::report_body& r) {
    // A session begun again after it was dropped says so first: its "lost" includes what
    // came while the listener was not counting.
    const std::string evicted =
        (r.flags & udp::probe::report_flag::evicted) != 0
            ? fmt::format("  begun again at datagram {} after it was dropped for room: the counts below miss "
                          "what came before\n",
                          r.first_sequence)
            : std::string();
    return evicted + fmt::format(
        "  received {} of {}, lost {} ({:.2f} %) in {} (longest {}), {}, {} (reordering extent {}), {} late\n"
        "  jitter {:.3f} ms, IPDV p50 {:.3f} / p90 {:.3f} / p99 {:.3f} ms, {} datagrams/s, {} over {:.3f} s",
        cli::grouped(r.received), cli::grouped(r.expected), cli::grouped(r.lost), lost_percent(r),
        plural(r.loss_bursts, "burst", "bursts"), cli::grouped(r.longest_burst),
        plural(r.duplicates, "duplicate", "duplicates"), plural(r.out_of_order, "out of order", "out of order"),
        cli::grouped(r.reorder_extent), cli::grouped(r.late), ms(r.jitter_ns), ms(r.ipdv_p50_ns), ms(r.ipdv_p90_ns),
        ms(r.ipdv_p99_ns), cli::grouped(static_cast<std::uint64_t>(std::llround(per_second(r.received, r.duration_ns)))),
        bit_rate(per_second(r.bytes * 8, r.duration_ns)),
        static_cast<double>(r.duration_ns) / 1e9);
}

// Only the first 4 hex digits: the id is what stands between a stream and anyone off the
// path who would add to or close it, and output travels (logs, screenshots, tickets).
std::string session_text(std::uint64_t id) { return fmt::format("{:04x}\u2026", id >> 48); }

}  // namespace netlab::commands
