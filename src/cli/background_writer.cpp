#include "cli/background_writer.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "netlab/platform/stdio.hpp"

namespace netlab::cli {
namespace {

constexpr std::size_t notice_room = 128;  // a notice of dropped lines is shorter than this
// A batch is written when it has waited this long or grown this big, whichever is first.
constexpr std::chrono::milliseconds batch_time{10};
constexpr std::size_t batch_bytes = 64 * 1024;

}  // namespace

struct background_writer::shared {
    struct queue {
        std::FILE* file = nullptr;
        std::string pending;            // whole lines, waiting for the writer
        std::uint64_t unreported = 0;   // dropped since the last notice
        bool broken = false;            // the handle failed: nothing more can be written
    };
    std::mutex mutex;
    std::condition_variable work;  // lines queued, or stop
    std::condition_variable idle;  // the writer has written what it took, or finished
    std::array<queue, 2> queues;
    std::size_t max_pending = 0;
    notice_fn notice;
    std::atomic<std::uint64_t> dropped{0};
    bool writing = false;   // the writer holds lines it has not written yet
    bool stop = false;
    bool finished = false;

    bool empty() const { return queues[0].pending.empty() && queues[1].pending.empty(); }

    std::size_t largest() const { return std::max(queues[0].pending.size(), queues[1].pending.size()); }

    void run() {
        std::array<std::string, 2> taken;
        std::unique_lock lock(mutex);
        for (;;) {
            work.wait(lock, [&] { return stop || !empty(); });
            if (empty()) break;  // stopped, and all is written
            // Lines come in bursts (a request each): gather a batch before writing, as
            // nginx's access_log buffer= and flush= do. A writer woken for every line would
            // cost a wake-up of this thread per request.
            work.wait_for(lock, batch_time, [&] { return stop || largest() >= batch_bytes; });
            for (std::size_t i = 0; i < queues.size(); ++i) taken[i].swap(queues[i].pending);
            writing = true;
            lock.unlock();
            std::array<bool, 2> ok{true, true};
            for (std::size_t i = 0; i < queues.size(); ++i) {
                if (!taken[i].empty()) {
                    std::error_code ignored;  // a failed stream is counted as dropped lines
                    ok[i] = platform::write_all(queues[i].file, taken[i], ignored);
                }
                // A backlog (a reader that was slow) leaves a big buffer: not kept.
                if (taken[i].capacity() > 4 * batch_bytes) std::string().swap(taken[i]);
                taken[i].clear();
            }
            lock.lock();
            for (std::size_t i = 0; i < queues.size(); ++i) queues[i].broken = queues[i].broken || !ok[i];
            writing = false;
            idle.notify_all();
        }
        finished = true;
        idle.notify_all();
    }
};

background_writer::background_writer(std::FILE* out, std::FILE* err, std::size_t max_pending_bytes, notice_fn notice)
    : state_(std::make_shared<shared>()) {
    state_->queues[0].file = out;
    state_->queues[1].file = err;
    state_->max_pending = max_pending_bytes;
    state_->notice = std::move(notice);
    // The thread owns the state too: it may outlive this object (see the destructor).
    std::thread([state = state_] { state->run(); }).detach();
}

background_writer::~background_writer() {
    std::unique_lock lock(state_->mutex);
    state_->stop = true;
    state_->work.notify_one();
    state_->idle.wait_for(lock, std::chrono::seconds(1), [&] { return state_->finished; });
}

bool background_writer::write_line(stream s, std::string_view text) {
    auto& st = *state_;
    std::unique_lock lock(st.mutex);
    auto& q = st.queues[s == stream::out ? 0 : 1];
    // Room for the notice of lines lost before this one, which goes first.
    const std::size_t need = text.size() + 1 + (q.unreported > 0 ? notice_room : 0);
    if (q.broken || q.pending.size() + need > st.max_pending) {
        ++q.unreported;
        st.dropped.fetch_add(1, std::memory_order_relaxed);
        return false;
    }
    // The writer waits for a first line, then for a batch: wake it for either, and only then.
    const bool wake = st.empty() || (q.pending.size() < batch_bytes && q.pending.size() + need >= batch_bytes);
    if (q.unreported > 0) {
        q.pending.append(st.notice(s, q.unreported)).push_back('\n');
        q.unreported = 0;
    }
    q.pending.append(text).push_back('\n');
    lock.unlock();
    if (wake) st.work.notify_one();
    return true;
}

std::uint64_t background_writer::dropped() const { return state_->dropped.load(std::memory_order_relaxed); }

bool background_writer::flush(std::chrono::milliseconds timeout) {
    std::unique_lock lock(state_->mutex);
    return state_->idle.wait_for(lock, timeout, [&] { return state_->empty() && !state_->writing; });
}

}  // namespace netlab::cli
