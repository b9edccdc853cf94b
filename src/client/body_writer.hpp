// Body bytes written on a thread of their own, so that the I/O thread never waits for the
// destination: a pipe nobody reads (`| less` not scrolled), Ctrl-S on a terminal or a slow
// disk cannot keep the -m deadline or Ctrl-C from ending the transfer. The queue is
// bounded: while it is full the transfer reads nothing more from the socket, and TCP's
// flow control slows the server down.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "client/body_sink.hpp"

namespace netlab::client {

class body_writer {
public:
    // Starts the writer thread, which owns `sink` from now on. `wake` is called on that
    // thread whenever a write ends, the sink fails or finish() is done: it must not block
    // (it posts to the transfer's event loop) and is never called once the writer is gone.
    body_writer(body_sink sink, std::size_t capacity, std::function<void()> wake);
    // Returns at once. A thread in the middle of a write (stuck on a pipe nobody reads) is
    // left to end with the process; it owns everything it still touches.
    ~body_writer();
    body_writer(const body_writer&) = delete;
    body_writer& operator=(const body_writer&) = delete;

    // Queue bytes, copied; never blocks. After a failure they are dropped.
    void write_head(std::string_view head);  // never checked for binary content
    void write(std::string_view body);
    // Body bytes without a copy: takes the whole buffer (its first `length` bytes are
    // body) and gives back one of the same size to read the next bytes into, reusing the
    // memory of a block already written where there is one.
    std::string write_buffer(std::string buffer, std::size_t length);
    // The end of the body: the sink is finished (an empty file created, a file closed)
    // after every byte queued before.
    void finish();

    // Bytes queued or being written are below the capacity: read more. A false answer
    // (from either) means the caller waits: `wake` is called at the next change.
    bool has_room() const;
    // finish() has been carried out, or the sink failed.
    bool done() const;
    // The sink's reason when a write or the finish failed.
    std::optional<std::string> error() const;

    // Blocks until every queued byte is written (or the sink failed) or the deadline, if
    // any, passes; true when nothing is left. For the end of a failed transfer, when no
    // event loop runs any more.
    bool wait_written(std::optional<std::chrono::steady_clock::time_point> deadline) const;

private:
    struct shared;
    void queue(std::string_view bytes, bool head);
    std::shared_ptr<shared> s_;
    std::thread thread_;
};

}  // namespace netlab::client
