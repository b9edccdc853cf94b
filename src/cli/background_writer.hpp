// Lines for stdout and stderr, written by a thread of their own, so that a reader that
// stalls (a pipe nobody reads, Ctrl-S in a terminal, a log shipper that hangs) never blocks
// the threads that report. Each stream has a bounded queue: when it is full, lines are
// dropped and counted, and the next line that gets through follows a notice of how many
// were lost. nginx logs to files and never waits on a reader; a server that waits for its
// log to be read stops serving.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

namespace netlab::cli {

class background_writer {
public:
    enum class stream { out, err };
    // The notice line (without '\n') that stands for `dropped` lost lines on stream `s`.
    using notice_fn = std::function<std::string(stream s, std::uint64_t dropped)>;

    // `max_pending_bytes`: how much each stream's queue holds while its reader is slow.
    background_writer(std::FILE* out, std::FILE* err, std::size_t max_pending_bytes, notice_fn notice);
    // Waits a moment for what is queued, then lets the thread go: it may be blocked on a
    // reader that never reads, and that must not keep the program from ending.
    ~background_writer();
    background_writer(const background_writer&) = delete;
    background_writer& operator=(const background_writer&) = delete;

    // Queues `text` and a line end; false when the line was dropped. A line `kept` is
    // queued even over the limit (a run's summary: one line, the one a reader needs most).
    bool write_line(stream s, std::string_view text, bool kept = false);

    // Lines dropped so far, on both streams.
    std::uint64_t dropped() const;

    // Called once, from the writer's thread (or from here, if it already happened), when
    // writing to a stream failed for good (its reader has gone: broken_pipe; a full disk);
    // an empty function: no call. The call is made under the writer's lock: it must be
    // short and must not write lines (posting to an event loop is fine); setting a new
    // handler waits for one that is running, so after it returns the old one is never called.
    using failure_fn = std::function<void(stream s, const std::error_code& ec)>;
    void on_failure(failure_fn handler);

    // Waits until everything queued before the call has been written, or `timeout` passes;
    // true when it was all written.
    bool flush(std::chrono::milliseconds timeout);

private:
    struct shared;
    std::shared_ptr<shared> state_;
};

}  // namespace netlab::cli
