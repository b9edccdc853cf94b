#include "client/body_writer.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <vector>

namespace netlab::client {
namespace {

constexpr std::size_t join_limit = 64 * 1024;  // pieces are joined into blocks up to this size
constexpr std::size_t spare_blocks = 4;        // written blocks whose memory is kept for the next ones

}  // namespace

struct body_writer::shared {
    struct block {
        bool head;
        std::string bytes;   // its first `length` bytes are the block's
        std::size_t length;
        std::string_view view() const { return {bytes.data(), length}; }
    };

    explicit shared(body_sink s, std::size_t cap, std::function<void()> w)
        : sink(std::move(s)), capacity(cap), wake(std::move(w)) {}

    body_sink sink;  // touched by the writer thread only
    const std::size_t capacity;
    mutable std::mutex mutex;
    std::condition_variable work;
    mutable std::condition_variable progress;  // a block was written, the sink failed or finished
    // Guarded by mutex:
    std::function<void()> wake;
    std::deque<block> blocks;
    // Written blocks: a download reuses their memory instead of asking for fresh pages (a
    // page fault each) for every block. Their size is kept, so one handed back as a read
    // buffer needs no zero-filling.
    std::vector<std::string> spares;
    std::size_t pending = 0;  // bytes queued or being written
    bool writing = false;     // the thread is inside the sink
    bool finish_asked = false;
    bool finished = false;
    bool abandoned = false;   // the owner has gone
    mutable bool owner_waits = false;  // has_room() or done() said no: wake() when that changes
    std::optional<std::string> error;

    // After a write, a failure or the finish. The owner's event loop is woken only when
    // it waits for the writer: a wake-up per block would cost the I/O thread a cross-thread
    // post (and often an eventfd write) for every block of a fast download.
    void notify() {
        progress.notify_all();
        if (wake && (owner_waits || finished || error)) {
            owner_waits = false;
            wake();
        }
    }

    void run() {
        std::unique_lock lock(mutex);
        while (true) {
            work.wait(lock, [&] { return abandoned || !blocks.empty() || finish_asked; });
            if (abandoned) return;
            writing = true;
            if (!blocks.empty()) {
                block b = std::move(blocks.front());
                blocks.pop_front();
                lock.unlock();
                const bool ok = b.head ? sink.write_head(b.view()) : sink.write(b.view());
                lock.lock();
                writing = false;
                pending -= b.length;
                if (spares.size() < spare_blocks) spares.push_back(std::move(b.bytes));
                if (!ok) fail();
                notify();
                if (!ok) return;
                continue;
            }
            lock.unlock();
            const bool ok = sink.finish();
            lock.lock();
            writing = false;
            if (!ok) fail();
            finished = true;
            notify();
            return;
        }
    }

    std::string take_spare() {
        if (spares.empty()) return {};
        std::string s = std::move(spares.back());
        spares.pop_back();
        return s;
    }

    void fail() {
        error = sink.error();
        blocks.clear();
        pending = 0;
    }
};

body_writer::body_writer(body_sink sink, std::size_t capacity, std::function<void()> wake)
    : s_(std::make_shared<shared>(std::move(sink), capacity, std::move(wake))) {
    thread_ = std::thread([s = s_] { s->run(); });
}

body_writer::~body_writer() {
    bool busy = false;
    {
        std::lock_guard lock(s_->mutex);
        s_->abandoned = true;
        s_->wake = nullptr;
        busy = s_->writing;
    }
    s_->work.notify_one();
    // A write may never return (nobody reads the pipe): the thread keeps its own reference
    // to the shared state and the sink, so it can be left behind.
    if (busy) thread_.detach();
    else thread_.join();
}

void body_writer::queue(std::string_view bytes, bool head) {
    if (bytes.empty()) return;
    {
        std::lock_guard lock(s_->mutex);
        if (s_->error || s_->finish_asked) return;
        // Small chunked pieces are joined, so the writer makes one call for many of them;
        // big pieces are not, since growing a block copies what it holds again.
        auto* last = s_->blocks.empty() ? nullptr : &s_->blocks.back();
        if (last != nullptr && last->head == head && last->length == last->bytes.size() &&
            last->length + bytes.size() <= join_limit) {
            last->bytes.append(bytes);
        } else {
            std::string memory = s_->take_spare();
            memory.assign(bytes);
            s_->blocks.push_back({head, std::move(memory), 0});
            last = &s_->blocks.back();
        }
        last->length = last->bytes.size();
        s_->pending += bytes.size();
    }
    s_->work.notify_one();
}

std::string body_writer::write_buffer(std::string buffer, std::size_t length) {
    const std::size_t size = buffer.size();
    std::string next;
    {
        std::lock_guard lock(s_->mutex);
        if (s_->error || s_->finish_asked) return buffer;
        s_->blocks.push_back({false, std::move(buffer), length});
        s_->pending += length;
        next = s_->take_spare();
    }
    s_->work.notify_one();
    if (next.size() < size) next.resize(size);  // zero-filled only the first few times
    return next;
}

void body_writer::write_head(std::string_view head) { queue(head, true); }

void body_writer::write(std::string_view body) { queue(body, false); }

void body_writer::finish() {
    {
        std::lock_guard lock(s_->mutex);
        s_->finish_asked = true;
    }
    s_->work.notify_one();
}

bool body_writer::has_room() const {
    std::lock_guard lock(s_->mutex);
    const bool room = s_->pending < s_->capacity;
    s_->owner_waits = s_->owner_waits || !room;
    return room;
}

bool body_writer::done() const {
    std::lock_guard lock(s_->mutex);
    const bool done = s_->finished || s_->error.has_value();
    s_->owner_waits = s_->owner_waits || !done;
    return done;
}

std::optional<std::string> body_writer::error() const {
    std::lock_guard lock(s_->mutex);
    return s_->error;
}

bool body_writer::wait_written(std::optional<std::chrono::steady_clock::time_point> deadline) const {
    std::unique_lock lock(s_->mutex);
    const auto written = [&] { return s_->pending == 0; };
    if (!deadline) {
        s_->progress.wait(lock, written);
        return true;
    }
    return s_->progress.wait_until(lock, *deadline, written);
}

}  // namespace netlab::client
