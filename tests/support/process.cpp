#include "support/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <utility>

extern char** environ;

namespace netlab::test {
namespace {

using clock = std::chrono::steady_clock;

std::vector<char*> c_argv(const std::vector<std::string>& argv) {
    std::vector<char*> out;
    for (const auto& a : argv) out.push_back(const_cast<char*>(a.c_str()));
    out.push_back(nullptr);
    return out;
}

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

// Spawns argv with stdin/stdout/stderr on pipes; returns pid and our ends (non-blocking).
pid_t spawn(const std::vector<std::string>& argv, int& in_w, int& out_r, int& err_r) {
    int in[2], out[2], err[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0)
        throw std::runtime_error("pipe failed");
    pid_t pid = -1;
    try {
        pid = spawn_process(argv, in[0], out[1], err[1]);
    } catch (...) {
        for (const int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) ::close(fd);
        throw;
    }
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    in_w = in[1];
    out_r = out[0];
    err_r = err[0];
    for (const int fd : {in_w, out_r, err_r}) set_nonblocking(fd);
    return pid;
}

// Reads what is available from fd into s; returns false at EOF (or EIO: a terminal's
// master side once the other side is closed).
bool drain(int fd, std::string& s) {
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n > 0) {
            s.append(buf, static_cast<std::size_t>(n));
            continue;
        }
        if (n == 0) return false;
        if (errno == EINTR) continue;
        return errno == EAGAIN;
    }
}

std::chrono::milliseconds left_until(clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
    return left.count() > 0 ? left : std::chrono::milliseconds(0);
}

int decode_status(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }

}  // namespace

pid_t spawn_process(const std::vector<std::string>& argv, int in_fd, int out_fd, int err_fd) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in_fd, 0);
    posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
    posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
    // asio's sockets are not close-on-exec: without this a child would hold a copy of
    // every socket the test has open, and a close the test makes would send no FIN.
    posix_spawn_file_actions_addclosefrom_np(&fa, 3);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    // The child starts with default signal dispositions (ctest may ignore some).
    sigset_t all;
    sigfillset(&all);
    posix_spawnattr_setsigdefault(&attr, &all);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    // A group of its own (pgid = its PID): the deadline kill reaches the child's own
    // children too (socat's forks, a shell's pipeline), and only them.
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);
    pid_t pid = -1;
    auto args = c_argv(argv);
    const int rc = ::posix_spawnp(&pid, args[0], &fa, &attr, args.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
    return pid;
}

std::vector<std::string> netlab_command() {
    std::vector<std::string> cmd;
    if (under_emulator()) cmd.emplace_back(std::getenv("NETLAB_EMULATOR"));
    const char* bin = std::getenv("NETLAB_BIN");
    cmd.emplace_back(bin && *bin ? bin : NETLAB_BIN_PATH);
    return cmd;
}

std::vector<std::string> netlab_args(const std::vector<std::string>& args) {
    auto argv = netlab_command();
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

std::vector<std::string> native_netlab_command() { return {NETLAB_BIN_PATH}; }

bool under_emulator() {
    const char* emu = std::getenv("NETLAB_EMULATOR");
    return emu && *emu;
}

void require_program(const std::string& name) {
    if (!have_program(name)) throw std::runtime_error(name + " is not installed (scripts/test installs it)");
}

bool have_program(const std::string& name) {
    const char* path = std::getenv("PATH");
    if (!path) return false;
    std::string p(path);
    std::size_t start = 0;
    while (start <= p.size()) {
        const auto end = p.find(':', start);
        const auto dir = p.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (!dir.empty() && ::access((dir + "/" + name).c_str(), X_OK) == 0) return true;
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return false;
}

// With read_stdout false, stdout is a pipe kept open and never read: once its buffer is
// full, every write the child makes there blocks.
run_result child::run_to_end(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                             std::string_view input, bool read_stdout) {
    child c = start_piped(argv, true, read_stdout);
    c.write_stdin(input);
    c.close_stdin();
    run_result r;
    r.exit_code = c.wait(timeout);
    r.timed_out = c.killed_;
    r.out = std::move(c.out_);
    r.err = std::move(c.err_);
    return r;
}

run_result run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout, std::string_view input) {
    return child::run_to_end(argv, timeout, input, true);
}

run_result run_with_stdout_unread(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
    return child::run_to_end(argv, timeout, {}, false);
}

run_result run_netlab(const std::vector<std::string>& args, std::chrono::milliseconds timeout, std::string_view input) {
    auto argv = netlab_command();
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, timeout, input);
}

child child::start_piped(const std::vector<std::string>& argv, bool keep_stdin, bool read_stdout) {
    child c;
    c.pid_ = spawn(argv, c.in_fd_, c.out_fd_, c.err_fd_);
    c.read_out_ = read_stdout;
    if (!keep_stdin) {
        ::close(c.in_fd_);
        c.in_fd_ = -1;
    }
    return c;
}

child child::start(const std::vector<std::string>& argv) { return start_piped(argv, false, true); }

child child::start_with_stdin(const std::vector<std::string>& argv) { return start_piped(argv, true, true); }

child::child(child&& o) noexcept
    : pid_(std::exchange(o.pid_, -1)),
      in_fd_(std::exchange(o.in_fd_, -1)),
      out_fd_(std::exchange(o.out_fd_, -1)),
      err_fd_(std::exchange(o.err_fd_, -1)),
      term_fd_(std::exchange(o.term_fd_, -1)),
      read_out_(o.read_out_),
      in_(std::move(o.in_)),
      close_in_(o.close_in_),
      out_(std::move(o.out_)),
      err_(std::move(o.err_)),
      err_seen_(o.err_seen_),
      term_(std::move(o.term_)),
      exited_(o.exited_),
      killed_(o.killed_),
      exited_at_(o.exited_at_),
      status_(o.status_) {}

child& child::operator=(child&& o) noexcept {
    if (this != &o) {
        this->~child();
        new (this) child(std::move(o));
    }
    return *this;
}

child::~child() {
    reap();
    if (pid_ > 0 && !exited_) kill_group();
    close_pipes();
}

void child::kill_group() {
    // The group first (the child and whatever it started), then the PID itself in case
    // it has left its group.
    ::kill(-pid_, SIGKILL);
    ::kill(pid_, SIGKILL);
    // A killed process is gone at once unless it is stuck in the kernel (uninterruptible
    // I/O); then it is left behind rather than hanging the test.
    const auto until = clock::now() + 10s;
    while (!exited_ && clock::now() < until) {
        reap();
        if (!exited_) ::poll(nullptr, 0, 10);
    }
    killed_ = true;
}

void child::reap() {
    if (exited_ || pid_ <= 0) return;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) != pid_) return;
    exited_ = true;
    status_ = status;
    exited_at_ = clock::now();
}

bool child::exited() {
    reap();
    return exited_;
}

void child::close_pipes() {
    for (int* fd : {&in_fd_, &out_fd_, &err_fd_, &term_fd_}) {
        if (*fd >= 0) ::close(*fd);
        *fd = -1;
    }
}

bool child::reading() const { return (read_out_ && out_fd_ >= 0) || err_fd_ >= 0 || term_fd_ >= 0; }

void child::give_up_pipes() {
    err_ += "[test harness: PID " + std::to_string(pid_) +
            " has exited but a process it started still holds its stdout/stderr open; stopped reading them]\n";
    for (int* fd : {&out_fd_, &err_fd_, &term_fd_}) {
        if (*fd >= 0) ::close(*fd);
        *fd = -1;
    }
}

void child::write_stdin(std::string_view bytes) {
    if (in_fd_ < 0) return;
    in_.append(bytes);
    flush_stdin();
}

void child::close_stdin() {
    close_in_ = true;
    flush_stdin();
}

void child::flush_stdin() {
    while (in_fd_ >= 0 && !in_.empty()) {
        const ssize_t n = ::write(in_fd_, in_.data(), in_.size());
        if (n > 0) {
            in_.erase(0, static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) return;
        // EPIPE (SIGPIPE is ignored in tests): the child closed its stdin or has exited.
        in_.clear();
    }
    if (in_fd_ >= 0 && in_.empty() && close_in_) {
        ::close(in_fd_);
        in_fd_ = -1;
    }
}

void child::pump(std::chrono::milliseconds timeout) {
    reap();
    // Until the exit is seen, poll in short slices so that it is seen even while a
    // descendant keeps the pipes open and quiet; after it, no longer than the grace.
    auto slice = std::min(timeout, std::chrono::milliseconds(50));
    if (exited_) slice = std::min(timeout, left_until(exited_at_ + pipe_grace_after_exit));
    // Negative descriptors are skipped by poll.
    const bool writing = in_fd_ >= 0 && !in_.empty();
    pollfd fds[4] = {{read_out_ ? out_fd_ : -1, POLLIN, 0},
                     {err_fd_, POLLIN, 0},
                     {term_fd_, POLLIN, 0},
                     {writing ? in_fd_ : -1, POLLOUT, 0}};
    ::poll(fds, 4, static_cast<int>(slice.count()));
    for (auto [fd, text] : {std::pair{&out_fd_, &out_}, std::pair{&err_fd_, &err_}, std::pair{&term_fd_, &term_}}) {
        if (fd == &out_fd_ && !read_out_) continue;
        if (*fd >= 0 && !drain(*fd, *text)) {
            ::close(*fd);
            *fd = -1;
        }
    }
    if (writing && fds[3].revents != 0) flush_stdin();
    reap();
    if (exited_ && reading() && clock::now() - exited_at_ >= pipe_grace_after_exit) give_up_pipes();
}

std::optional<std::string> child::read_line(std::chrono::milliseconds timeout) {
    const auto deadline = clock::now() + timeout;
    for (;;) {
        if (const auto nl = out_.find('\n'); nl != std::string::npos) {
            std::string line = out_.substr(0, nl);
            out_.erase(0, nl + 1);
            return line;
        }
        if (out_fd_ < 0) return std::nullopt;
        const auto left = left_until(deadline);
        if (left.count() <= 0) return std::nullopt;
        pump(left);
    }
}

std::optional<std::string> child::wait_for_stderr(std::string_view text, std::chrono::milliseconds timeout) {
    return wait_for_stderr_line([text](std::string_view line) { return line.find(text) != std::string_view::npos; },
                                timeout);
}

std::optional<std::string> child::wait_for_stderr_line(const std::function<bool(std::string_view)>& match,
                                                       std::chrono::milliseconds timeout) {
    const auto deadline = clock::now() + timeout;
    std::size_t at = err_seen_;  // lines before it were looked at by this call already
    for (;;) {
        for (auto nl = err_.find('\n', at); nl != std::string::npos; nl = err_.find('\n', at)) {
            const std::string_view line(err_.data() + at, nl - at);
            at = nl + 1;
            if (match(line)) {
                err_seen_ = at;
                return std::string(line);
            }
        }
        if (err_fd_ < 0) {
            // stderr has ended: a last line without its '\n' counts too.
            const std::string_view rest(err_.data() + at, err_.size() - at);
            if (!rest.empty() && match(rest)) {
                err_seen_ = err_.size();
                return std::string(rest);
            }
            return std::nullopt;
        }
        const auto left = left_until(deadline);
        if (left.count() <= 0) return std::nullopt;
        pump(left);
    }
}

bool child::wait_for_terminal(std::string_view text, std::chrono::milliseconds timeout) {
    const auto deadline = clock::now() + timeout;
    while (term_.find(text) == std::string::npos) {
        const auto left = left_until(deadline);
        if (left.count() <= 0 || term_fd_ < 0) return false;
        pump(left);
    }
    return true;
}

void child::send_signal(int sig) {
    reap();  // never signal a PID that may have been reused
    if (pid_ > 0 && !exited_) ::kill(pid_, sig);
}

int child::wait(std::chrono::milliseconds timeout) {
    const auto deadline = clock::now() + timeout;
    while (!exited_) {
        const auto left = left_until(deadline);
        if (left.count() <= 0) {
            kill_group();
            if (!exited_) give_up_pipes();  // not even SIGKILL ended it
            break;
        }
        pump(left);
    }
    // What it wrote is in the pipes already; pump gives up on them pipe_grace_after_exit
    // after the exit if a descendant keeps them open.
    while (reading()) pump(pipe_grace_after_exit);
    if (in_fd_ >= 0) {
        ::close(in_fd_);
        in_fd_ = -1;
    }
    if (!read_out_ && out_fd_ >= 0) {
        ::close(out_fd_);
        out_fd_ = -1;
    }
    if (killed_ || !exited_) return -1;
    return decode_status(status_);
}

temp_dir::temp_dir(where place) {
    std::error_code ec;
    const std::filesystem::path memory = "/dev/shm";
    const bool in_memory = place == where::memory && std::filesystem::is_directory(memory, ec);
    std::string tmpl = ((in_memory ? memory : std::filesystem::temp_directory_path()) / "netlab-test-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
}

temp_dir::~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

void temp_dir::fill_with_files(const std::string& relative, int count) const {
    const auto dir = std::filesystem::path(path_) / relative;
    std::filesystem::create_directories(dir);
    for (int i = 0; i < count; ++i) std::ofstream(dir / ("file-" + std::to_string(i) + ".txt"));
}

std::string temp_dir::write(const std::string& relative, std::string_view content) const {
    const auto full = std::filesystem::path(path_) / relative;
    std::filesystem::create_directories(full.parent_path());
    std::ofstream f(full, std::ios::binary);
    f.write(content.data(), static_cast<std::streamsize>(content.size()));
    return full.string();
}

}  // namespace netlab::test
