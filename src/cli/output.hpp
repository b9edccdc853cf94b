// The one place that writes to the terminal. Every subcommand reports through it, so
// human text and JSON lines come from the same events and --json, --color, NO_COLOR, -q
// and -v mean the same everywhere. Safe to call from several threads.
#pragma once

#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>

#include "cli/background_writer.hpp"
#include "cli/global_options.hpp"
#include "cli/json.hpp"

namespace netlab::cli {

enum class style { none, bold, dim, red, green, yellow, blue, magenta, cyan };

class output {
public:
    explicit output(const global_options& opts, std::FILE* out = stdout, std::FILE* err = stderr);
    ~output();
    output(const output&) = delete;
    output& operator=(const output&) = delete;

    // From now on every line (event, result, note, detail, error) goes through a
    // background_writer: whatever the reader does, printing never blocks the caller; a
    // line that finds its stream's queue (`max_pending_bytes`) full is dropped and counted,
    // and a notice of the loss precedes the next one that gets through. For servers.
    void write_in_background(std::size_t max_pending_bytes = 1024 * 1024);
    // Lines dropped because their reader was too slow (0 unless writing in background).
    std::uint64_t dropped_lines() const;
    // While writing in background: `handler` is called once, from the writer's thread,
    // when stdout cannot be written any more (its reader has gone: broken_pipe, or a full
    // disk); it must be short and print nothing. An empty function unsets it; after that
    // call returns the old handler is never called again.
    void on_stdout_failure(std::function<void(const std::error_code&)> handler);
    // Waits until every line so far has been written, at most `timeout`; true when written.
    bool flush_lines(std::chrono::milliseconds timeout);

    bool json() const { return opts_.json; }
    bool quiet() const { return opts_.quiet; }
    int verbosity() const { return opts_.verbose; }
    bool tracing() const { return opts_.trace; }

    // An event or result: its JSON object (one line, stdout) with --json, else the human
    // text (stdout) unless -q. `human` may span several lines; a newline is added.
    void event(const json_object& obj, std::string_view human);
    // An event that ends a run (a summary): as event(), but never dropped for a full queue
    // while writing in background.
    void final_event(const json_object& obj, std::string_view human);
    // Same, but the human text is printed even with -q (the result the user asked for).
    void result(const json_object& obj, std::string_view human);

    // Human-only remarks on stderr (progress, notes); silent with -q or --json.
    void note(std::string_view text);
    // Detail shown with -v (or more) on stderr.
    void detail(int level, std::string_view text);
    // "netlab: <text>" on stderr, always; one line.
    void error(std::string_view text);

    // Raw bytes for stdout (an HTTP body), binary-safe; false when they could not all
    // be written (a closed pipe, a full disk).
    bool write_stdout(std::string_view bytes);
    // A line on stderr that is redrawn in place (a progress bar), for terminals only;
    // silent with -q or --json. An empty text ends it (clears the line).
    void status_line(std::string_view text);
    // Flushes both streams; false when stdout could not be written.
    bool flush();

    // `text` wrapped in ANSI colour when that stream may be coloured.
    std::string paint(std::string_view text, style s, bool for_stderr = false) const;

private:
    void write_line(std::FILE* f, std::string_view text, bool kept = false);

    global_options opts_;
    std::FILE* out_;
    std::FILE* err_;
    bool color_out_;
    bool color_err_;
    std::mutex mutex_;
    std::unique_ptr<background_writer> background_;
};

// Installs the --trace sink: one line per socket-API step on stderr, human or JSON.
void install_trace_printer(output& out);

}  // namespace netlab::cli
