#include "support/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

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

// Spawns argv with stdin/stdout/stderr on pipes; returns pid and our ends.
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
    set_nonblocking(out_r);
    set_nonblocking(err_r);
    return pid;
}

// Reads what is available from fd into s; returns false at EOF.
bool drain(int fd, std::string& s) {
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n > 0) {
            s.append(buf, static_cast<std::size_t>(n));
            continue;
        }
        if (n == 0) return false;
        return errno == EAGAIN || errno == EINTR;
    }
}

int decode_status(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }

}  // namespace

pid_t spawn_process(const std::vector<std::string>& argv, int in_fd, int out_fd, int err_fd) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in_fd, 0);
    posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
    posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    // The child starts with default signal dispositions (ctest may ignore some).
    sigset_t all;
    sigfillset(&all);
    posix_spawnattr_setsigdefault(&attr, &all);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
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

namespace {

// With read_stdout false, stdout is a pipe kept open and never read: once its buffer is
// full, every write the child makes there blocks.
run_result run_child(const std::vector<std::string>& argv, std::chrono::milliseconds timeout, std::string_view input,
                     bool read_stdout) {
    int in_w = -1, out_r = -1, err_r = -1;
    const pid_t pid = spawn(argv, in_w, out_r, err_r);
    // Small inputs fit the pipe buffer; larger ones would need polling on in_w too.
    if (!input.empty()) {
        if (::write(in_w, input.data(), input.size()) < 0) { /* child may have exited */ }
    }
    ::close(in_w);
    run_result r;
    const auto deadline = clock::now() + timeout;
    bool out_open = read_stdout, err_open = true;
    while (out_open || err_open) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
        if (left <= 0) {
            r.timed_out = true;
            break;
        }
        pollfd fds[2] = {{out_r, POLLIN, 0}, {err_r, POLLIN, 0}};
        ::poll(fds, 2, static_cast<int>(left));
        if (out_open) out_open = drain(out_r, r.out);
        if (err_open) err_open = drain(err_r, r.err);
    }
    if (r.timed_out) ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ::close(out_r);
    ::close(err_r);
    r.exit_code = r.timed_out ? -1 : decode_status(status);
    return r;
}

}  // namespace

run_result run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout, std::string_view input) {
    return run_child(argv, timeout, input, true);
}

run_result run_with_stdout_unread(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
    return run_child(argv, timeout, {}, false);
}

run_result run_netlab(const std::vector<std::string>& args, std::chrono::milliseconds timeout, std::string_view input) {
    auto argv = netlab_command();
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, timeout, input);
}

child child::start(const std::vector<std::string>& argv) {
    child c;
    int in_w = -1;
    c.pid_ = spawn(argv, in_w, c.out_fd_, c.err_fd_);
    ::close(in_w);
    return c;
}

child::child(child&& o) noexcept
    : pid_(std::exchange(o.pid_, -1)),
      out_fd_(std::exchange(o.out_fd_, -1)),
      err_fd_(std::exchange(o.err_fd_, -1)),
      term_fd_(std::exchange(o.term_fd_, -1)),
      out_(std::move(o.out_)),
      err_(std::move(o.err_)),
      term_(std::move(o.term_)),
      exited_(o.exited_),
      status_(o.status_) {}

child& child::operator=(child&& o) noexcept {
    if (this != &o) {
        this->~child();
        new (this) child(std::move(o));
    }
    return *this;
}

child::~child() {
    if (pid_ > 0 && !exited_) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status_, 0);
    }
    close_pipes();
}

void child::close_pipes() {
    for (int* fd : {&out_fd_, &err_fd_, &term_fd_}) {
        if (*fd >= 0) ::close(*fd);
        *fd = -1;
    }
}

void child::pump(std::chrono::milliseconds timeout) {
    // Negative descriptors are skipped by poll. A terminal's master side reads EIO once
    // the child's side is closed: its end of stream.
    pollfd fds[3] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}, {term_fd_, POLLIN, 0}};
    ::poll(fds, 3, static_cast<int>(timeout.count()));
    for (auto [fd, text] : {std::pair{&out_fd_, &out_}, std::pair{&err_fd_, &err_}, std::pair{&term_fd_, &term_}}) {
        if (*fd >= 0 && !drain(*fd, *text)) {
            ::close(*fd);
            *fd = -1;
        }
    }
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
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
        if (left.count() <= 0) return std::nullopt;
        pump(left);
    }
}

bool child::wait_for_terminal(std::string_view text, std::chrono::milliseconds timeout) {
    const auto deadline = clock::now() + timeout;
    while (term_.find(text) == std::string::npos) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
        if (left.count() <= 0 || term_fd_ < 0) return false;
        pump(left);
    }
    return true;
}

void child::send_signal(int sig) {
    if (pid_ > 0 && !exited_) ::kill(pid_, sig);
}

int child::wait(std::chrono::milliseconds timeout) {
    const auto deadline = clock::now() + timeout;
    while (!exited_) {
        if (::waitpid(pid_, &status_, WNOHANG) == pid_) {
            exited_ = true;
            break;
        }
        if (clock::now() >= deadline) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, &status_, 0);
            exited_ = true;
            status_ = -1;
            break;
        }
        pump(20ms);
    }
    while (out_fd_ >= 0 || err_fd_ >= 0 || term_fd_ >= 0) pump(100ms);
    return status_ == -1 ? -1 : decode_status(status_);
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
