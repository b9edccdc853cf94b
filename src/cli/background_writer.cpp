#include "cli/background_writer.hpp"

#include <array>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "netlab/platform/stdio.hpp"

namespace netlab::cli {
namespace {

constexpr std::size_t notice_room = 128;  // a notice of dropped lines is shorter than this
// A batch is written when it has waited this long or grown this big, whichever is first.
constexpr std::chrono::milliseconds batch_time{10};
constexpr std::size_t batch_bytes = 64 * 1024;

}  // namespace

struct background_writer::shared {
    struct stream_state {
        std::FILE* file = nullptr;
        std::size_t pending_bytes = 0;  // queued for this stream, not yet taken by the writer
        std::uint64_t unreported = 0;   // dropped since the last notice
        bool broken = false;            // the handle failed: nothing more can be written
        std::error_code error;          // why, when broken
    };
    // Consecutive lines for one stream. The streams share one queue, in the order the lines
    // came: a terminal shows stdout and stderr together, and a trace line on stderr must
    // come before the access-log line on stdout that its request produced.
    struct run {
        std::size_t stream = 0;
        std::string bytes;  // whole lines
    };
    std::mutex mutex;
    std::condition_variable work;  // lines queued, or stop
    std::condition_variable idle;  // the writer has written what it took, or finished
    std::array<stream_state, 2> streams;
    std::vector<run> pending;
    std::size_t pending_bytes = 0;  // on both streams
    std::size_t max_pending = 0;
    notice_fn notice;
    failure_fn on_failure;
    std::atomic<std::uint64_t> dropped{0};
    bool writing = false;   // the writer holds lines it has not written yet
    bool stop = false;
    bool finished = false;

    bool empty() const { return pending.empty(); }

    void append(std::size_t stream, std::string_view line) {
        if (pending.empty() || pending.back().stream != stream) pending.push_back({stream, {}});
        pending.back().bytes.append(line).push_back('\n');
        streams[stream].pending_bytes += line.size() + 1;
        pending_bytes += line.size() + 1;
    }

    void run_writer() {
        std::vector<run> taken;
        std::unique_lock lock(mutex);
        for (;;) {
            work.wait(lock, [&] { return stop || !empty(); });
            if (empty()) break;  // stopped, and all is written
            // Lines come in bursts (a request each): gather a batch before writing, as
            // nginx's access_log buffer= and flush= do. A writer woken for every line would
            // cost a wake-up of this thread per request.
            work.wait_for(lock, batch_time, [&] { return stop || pending_bytes >= batch_bytes; });
            taken.swap(pending);
            for (auto& s : streams) s.pending_bytes = 0;
            pending_bytes = 0;
            std::array<bool, 2> broken{streams[0].broken, streams[1].broken};
            std::array<std::error_code, 2> errors;
            writing = true;
            lock.unlock();
            for (const auto& r : taken) {
                if (broken[r.stream]) continue;
                // A failed stream is counted as dropped lines. write_all retries a write
                // that a signal interrupted (EINTR): a Ctrl-C never costs a line.
                broken[r.stream] = !platform::write_all(streams[r.stream].file, r.bytes, errors[r.stream]);
            }
            // A backlog (a reader that was slow) leaves big buffers: not kept.
            if (taken.capacity() > 64) std::vector<run>().swap(taken);
            taken.clear();
            lock.lock();
            for (std::size_t i = 0; i < streams.size(); ++i) {
                if (broken[i] && !streams[i].broken) {
                    streams[i].broken = true;
                    streams[i].error = errors[i];
                    if (on_failure) on_failure(i == 0 ? stream::out : stream::err, errors[i]);
                }
            }
            writing = false;
            idle.notify_all();
        }
        finished = true;
        idle.notify_all();
    }
};

background_writer::background_writer(std::FILE* out, std::FILE* err, std::size_t max_pending_bytes, notice_fn notice)
    : state_(std::make_shared<shared>()) {
    state_->streams[0].file = out;
    state_->streams[1].file = err;
    state_->max_pending = max_pending_bytes;
    state_->notice = std::move(notice);
    // The thread owns the state too: it may outlive this object (see the destructor).
    std::thread([state = state_] { state->run_writer(); }).detach();
}

background_writer::~background_writer() {
    std::unique_lock lock(state_->mutex);
    state_->stop = true;
    state_->work.notify_one();
    state_->idle.wait_for(lock, std::chrono::seconds(1), [&] { return state_->finished; });
}

bool background_writer::write_line(stream s, std::string_view text, bool kept) {
    auto& st = *state_;
    std::unique_lock lock(st.mutex);
    const std::size_t index = s == stream::out ? 0 : 1;
    auto& q = st.streams[index];
    // Room for the notice of lines lost before this one, which goes first.
    const std::size_t need = text.size() + 1 + (q.unreported > 0 ? notice_room : 0);
    if (q.broken || (!kept && q.pending_bytes + need > st.max_pending)) {
        ++q.unreported;
        st.dropped.fetch_add(1, std::memory_order_relaxed);
        return false;
    }
    // The writer waits for a first line, then for a batch: wake it for either, and only then.
    const bool wake = st.empty() || (st.pending_bytes < batch_bytes && st.pending_bytes + need >= batch_bytes);
    if (q.unreported > 0) {
        st.append(index, st.notice(s, q.unreported));
        q.unreported = 0;
    }
    st.append(index, text);
    lock.unlock();
    if (wake) st.work.notify_one();
    return true;
}

void background_writer::on_failure(failure_fn handler) {
    std::lock_guard lock(state_->mutex);
    state_->on_failure = std::move(handler);
    if (!state_->on_failure) return;
    for (std::size_t i = 0; i < state_->streams.size(); ++i)
        if (state_->streams[i].broken) state_->on_failure(i == 0 ? stream::out : stream::err, state_->streams[i].error);
}

std::uint64_t background_writer::dropped() const { return state_->dropped.load(std::memory_order_relaxed); }

bool background_writer::flush(std::chrono::milliseconds timeout) {
    std::unique_lock lock(state_->mutex);
    return state_->idle.wait_for(lock, timeout, [&] { return state_->empty() && !state_->writing; });
}

}  // namespace netlab::cli
