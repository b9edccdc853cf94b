#include "cli/output.hpp"

#include <fmt/format.h>

#include "netlab/platform/error.hpp"
#include "netlab/platform/trace.hpp"

namespace netlab::cli {
namespace {

std::string_view ansi(style s) {
    switch (s) {
        case style::bold: return "\x1b[1m";
        case style::dim: return "\x1b[2m";
        case style::red: return "\x1b[31m";
        case style::green: return "\x1b[32m";
        case style::yellow: return "\x1b[33m";
        case style::blue: return "\x1b[34m";
        case style::magenta: return "\x1b[35m";
        case style::cyan: return "\x1b[36m";
        case style::none: break;
    }
    return "";
}

}  // namespace

output::output(const global_options& opts, std::FILE* out, std::FILE* err)
    : opts_(opts),
      out_(out),
      err_(err),
      color_out_(!opts.json && platform::should_color(opts.color, platform::std_stream::out)),
      color_err_(platform::should_color(opts.color, platform::std_stream::err)) {}

output::~output() {
    // Lines still queued get a moment to reach a reader that is merely slow.
    if (background_) background_->flush(std::chrono::seconds(2));
}

void output::write_in_background(std::size_t max_pending_bytes) {
    if (background_) return;
    flush();
    background_ = std::make_unique<background_writer>(
        out_, err_, max_pending_bytes, [json = opts_.json](background_writer::stream, std::uint64_t dropped) {
            if (json) return json_object{}.add("event", "lines_dropped").add("lines", dropped).str();
            return fmt::format("netlab: {} line{} dropped here: the output was not read fast enough", dropped,
                               dropped == 1 ? "" : "s");
        });
}

std::uint64_t output::dropped_lines() const { return background_ ? background_->dropped() : 0; }

void output::on_stdout_failure(std::function<void(const std::error_code&)> handler) {
    if (!background_) return;
    if (!handler) {
        background_->on_failure(nullptr);
        return;
    }
    background_->on_failure([h = std::move(handler)](background_writer::stream s, const std::error_code& ec) {
        if (s == background_writer::stream::out) h(ec);
    });
}

bool output::flush_lines(std::chrono::milliseconds timeout) {
    return background_ ? background_->flush(timeout) : flush();
}

void output::write_line(std::FILE* f, std::string_view text, bool kept) {
    if (background_) {
        background_->write_line(f == out_ ? background_writer::stream::out : background_writer::stream::err, text, kept);
        return;
    }
    std::lock_guard lock(mutex_);
    std::fwrite(text.data(), 1, text.size(), f);
    std::fputc('\n', f);
    // Lines are events another program may be waiting for (tests read "listening").
    std::fflush(f);
}

void output::event(const json_object& obj, std::string_view human) {
    if (opts_.json) write_line(out_, obj.view());
    else if (!opts_.quiet) write_line(out_, human);
}

void output::final_event(const json_object& obj, std::string_view human) {
    if (opts_.json) write_line(out_, obj.view(), true);
    else if (!opts_.quiet) write_line(out_, human, true);
}

void output::result(const json_object& obj, std::string_view human) {
    if (opts_.json) write_line(out_, obj.view());
    else write_line(out_, human);
}

void output::note(std::string_view text) {
    if (!opts_.quiet && !opts_.json) write_line(err_, text);
}

void output::detail(int level, std::string_view text) {
    if (opts_.verbose >= level) write_line(err_, text);
}

void output::error(std::string_view text) {
    write_line(err_, fmt::format("netlab: {}", paint(text, style::red, true)));
}

bool output::write_stdout(std::string_view bytes) {
    std::lock_guard lock(mutex_);
    return std::fwrite(bytes.data(), 1, bytes.size(), out_) == bytes.size();
}

void output::status_line(std::string_view text) {
    if (opts_.quiet || opts_.json) return;
    std::lock_guard lock(mutex_);
    // "\r" back to column 0, the text, then erase to the end of the line.
    std::fputc('\r', err_);
    std::fwrite(text.data(), 1, text.size(), err_);
    std::fputs("\x1b[K", err_);
    std::fflush(err_);
}

bool output::flush() {
    std::lock_guard lock(mutex_);
    const bool ok = std::fflush(out_) == 0 && std::ferror(out_) == 0;
    std::fflush(err_);
    return ok;
}

std::string output::paint(std::string_view text, style s, bool for_stderr) const {
    if (s == style::none || !(for_stderr ? color_err_ : color_out_)) return std::string(text);
    return fmt::format("{}{}\x1b[0m", ansi(s), text);
}

void install_trace_printer(output& out) {
    platform::set_trace_sink([&out](const platform::trace_record& r) {
        // A name lookup is the one step without a socket.
        const bool has_handle = r.step != platform::trace_step::resolve;
        if (out.json()) {
            json_object o;
            o.add("event", "trace").add("step", platform::step_name(r.step));
            if (has_handle) o.add("handle", r.handle);
            if (!r.local.empty()) o.add("local", r.local);
            if (!r.remote.empty()) o.add("remote", r.remote);
            if (r.bytes >= 0) o.add("bytes", r.bytes);
            if (!r.detail.empty()) o.add("detail", r.detail);
            if (r.error) o.add("error", platform::kind_name(platform::classify(r.error)));
            out.detail(0, o.str());
            return;
        }
        // "trace recv       handle=7 local=127.0.0.1:8080 remote=127.0.0.1:5555 0 bytes: peer closed (end of stream)"
        std::string line = fmt::format("{} {:<10}", out.paint("trace", style::magenta, true), platform::step_name(r.step));
        if (has_handle) line += fmt::format(" handle={}", r.handle);
        if (!r.local.empty()) line += fmt::format(" local={}", r.local);
        if (!r.remote.empty()) line += fmt::format(" remote={}", r.remote);
        if (r.bytes >= 0) line += fmt::format(" {} byte{}", r.bytes, r.bytes == 1 ? "" : "s");
        if (!r.detail.empty()) line += fmt::format("{} {}", r.bytes >= 0 ? ":" : "", r.detail);
        if (r.error) line += " " + out.paint(fmt::format("error: {}", platform::describe(r.error)), style::red, true);
        out.detail(0, line);
    });
}

}  // namespace netlab::cli
