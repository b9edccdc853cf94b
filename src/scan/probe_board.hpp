// Two probes of one scan can meet. On a target whose packets stay on this machine
// (loopback, or one of its own addresses), probe A connecting from local port X to port
// Y while probe B connects from local port Y to port X is a TCP simultaneous open (RFC
// 793 §3.4): both connects succeed, though nothing may listen on either port. A probe
// that meets itself (local port = remote port) shows in its own endpoints; a meeting of
// two does not, and a second connect to confirm every open port would cost each service
// a connection (a slot in a small accept queue, a line in its log), which nmap never
// makes. The board tells such a meeting from a listener's answer instead: each slot of
// the scan posts what its probe is doing, and a probe whose connect succeeded looks for
// a partner, a probe of this scan connecting to its own local port from its remote one.
// Lock-free, one word per slot; a probe posts twice per connect and reads the board only
// when it connected, which on a scan is rare.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

namespace netlab::scan {

class probe_board {
public:
    explicit probe_board(std::size_t slots);

    // Before slot `i` connects to `port` of target number `target` (below 65,536).
    void connecting(std::size_t i, std::size_t target, std::uint16_t port);
    // Slot `i`'s connect completed (or completed and was reset) from local port `source`.
    void connected(std::size_t i, std::uint16_t source);
    // Slot `i`'s probe is judged or got another answer: nothing to meet any more.
    void idle(std::size_t i);

    enum class meeting {
        none,       // no probe of ours is at the other end: the answer is the target's
        met,        // a probe of ours is: the connect says nothing about the port
        undecided,  // a probe of ours is connecting to our local port: ask again shortly
    };
    // For slot `i` once connected(): whether the other end is a probe of ours.
    // `local_address_is(target)` says whether that target's address is this
    // connection's local address (where a partner would be connecting to).
    // A meeting is found by both probes, however their checks interleave: each marks the
    // other `met` when it finds it, and neither decides `none` while the other is still
    // connecting.
    meeting check(std::size_t i, const std::function<bool(std::size_t target)>& local_address_is);

private:
    std::size_t size_;
    std::unique_ptr<std::atomic<std::uint64_t>[]> words_;
};

}  // namespace netlab::scan
