#include "support/terminal.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <utility>

#include "support/process.hpp"

namespace netlab::test {
namespace {

using clock = std::chrono::steady_clock;

// Appends what `fd` has ready; false at end of stream (a pty master reads EIO once every
// slave descriptor is closed).
bool read_ready(int fd, std::string& s) {
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

void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

}  // namespace

terminal_child terminal_child::start(const std::vector<std::string>& argv, terminal_streams on_terminal, int columns) {
    terminal_child c;
    c.master_ = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (c.master_ < 0 || ::grantpt(c.master_) != 0 || ::unlockpt(c.master_) != 0)
        throw std::runtime_error("no pseudo-terminal");
    const char* name = ::ptsname(c.master_);
    // O_NOCTTY: the child gets no controlling terminal, so no SIGHUP or job control.
    const int slave = name ? ::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC) : -1;
    if (slave < 0) throw std::runtime_error("cannot open the pseudo-terminal's slave");
    termios raw{};
    ::tcgetattr(slave, &raw);
    ::cfmakeraw(&raw);
    ::tcsetattr(slave, TCSANOW, &raw);
    winsize ws{};
    ws.ws_row = 24;
    ws.ws_col = static_cast<unsigned short>(columns);
    ::ioctl(c.master_, TIOCSWINSZ, &ws);

    int null_in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    int out[2] = {-1, -1}, err[2] = {-1, -1};
    if ((!on_terminal.out && ::pipe2(out, O_CLOEXEC) != 0) || (!on_terminal.err && ::pipe2(err, O_CLOEXEC) != 0))
        throw std::runtime_error("pipe failed");
    try {
        c.pid_ = spawn_process(argv, null_in, on_terminal.out ? slave : out[1], on_terminal.err ? slave : err[1]);
    } catch (...) {
        for (int* fd : {&null_in, &out[0], &out[1], &err[0], &err[1]}) close_fd(*fd);
        ::close(slave);
        throw;
    }
    ::close(slave);
    close_fd(null_in);
    close_fd(out[1]);
    close_fd(err[1]);
    c.out_fd_ = out[0];
    c.err_fd_ = err[0];
    for (const int fd : {c.master_, c.out_fd_, c.err_fd_})
        if (fd >= 0) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    return c;
}

terminal_child::terminal_child(terminal_child&& o) noexcept
    : pid_(std::exchange(o.pid_, -1)),
      master_(std::exchange(o.master_, -1)),
      out_fd_(std::exchange(o.out_fd_, -1)),
      err_fd_(std::exchange(o.err_fd_, -1)),
      term_(std::move(o.term_)),
      out_(std::move(o.out_)),
      err_(std::move(o.err_)),
      exited_(o.exited_),
      status_(o.status_) {}

terminal_child& terminal_child::operator=(terminal_child&& o) noexcept {
    if (this != &o) {
        this->~terminal_child();
        new (this) terminal_child(std::move(o));
    }
    return *this;
}

terminal_child::~terminal_child() {
    if (pid_ > 0 && !exited_) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status_, 0);
    }
    close_all();
}

void terminal_child::close_all() {
    close_fd(master_);
    close_fd(out_fd_);
    close_fd(err_fd_);
}

void terminal_child::pump(std::chrono::milliseconds timeout) {
    pollfd fds[3] = {{master_, POLLIN, 0}, {out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
    ::poll(fds, 3, static_cast<int>(timeout.count()));  // negative descriptors are skipped
    if (master_ >= 0 && !read_ready(master_, term_)) close_fd(master_);
    if (out_fd_ >= 0 && !read_ready(out_fd_, out_)) close_fd(out_fd_);
    if (err_fd_ >= 0 && !read_ready(err_fd_, err_)) close_fd(err_fd_);
}

bool terminal_child::wait_for(std::string_view text, std::chrono::milliseconds timeout) {
    const auto deadline = clock::now() + timeout;
    while (term_.find(text) == std::string::npos) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
        if (left.count() <= 0 || master_ < 0) return false;
        pump(std::min(left, std::chrono::milliseconds(100)));
    }
    return true;
}

void terminal_child::send_signal(int sig) {
    if (pid_ > 0 && !exited_) ::kill(pid_, sig);
}

int terminal_child::wait(std::chrono::milliseconds timeout) {
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
    // The child is gone: what it wrote is buffered in the pty and pipes; read it all.
    const auto drain_deadline = clock::now() + 2s;
    while ((master_ >= 0 || out_fd_ >= 0 || err_fd_ >= 0) && clock::now() < drain_deadline) pump(50ms);
    close_all();
    return status_ == -1 ? -1 : (WIFEXITED(status_) ? WEXITSTATUS(status_) : -1);
}

}  // namespace netlab::test
