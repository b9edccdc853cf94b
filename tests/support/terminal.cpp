// child::start_on_terminal: a pseudo-terminal for the streams that should be one.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <stdexcept>

#include "support/process.hpp"

namespace netlab::test {
namespace {

void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

}  // namespace

child child::start_on_terminal(const std::vector<std::string>& argv, terminal_streams on_terminal, int columns) {
    child c;
    c.term_fd_ = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (c.term_fd_ < 0 || ::grantpt(c.term_fd_) != 0 || ::unlockpt(c.term_fd_) != 0)
        throw std::runtime_error("no pseudo-terminal");
    const char* name = ::ptsname(c.term_fd_);
    // O_NOCTTY: the child gets no controlling terminal, so no SIGHUP and no job control.
    int slave = name ? ::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC) : -1;
    if (slave < 0) throw std::runtime_error("cannot open the pseudo-terminal's other side");
    termios raw{};
    ::tcgetattr(slave, &raw);
    ::cfmakeraw(&raw);
    ::tcsetattr(slave, TCSANOW, &raw);
    winsize ws{};
    ws.ws_row = 24;
    ws.ws_col = static_cast<unsigned short>(columns);
    ::ioctl(c.term_fd_, TIOCSWINSZ, &ws);

    int in_fd = on_terminal.in ? ::fcntl(slave, F_DUPFD_CLOEXEC, 0) : ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    int out[2] = {-1, -1}, err[2] = {-1, -1};
    const bool piped = (on_terminal.out || ::pipe2(out, O_CLOEXEC) == 0) && (on_terminal.err || ::pipe2(err, O_CLOEXEC) == 0);
    try {
        if (!piped) throw std::runtime_error("pipe failed");
        c.pid_ = spawn_process(argv, in_fd, on_terminal.out ? slave : out[1], on_terminal.err ? slave : err[1]);
    } catch (...) {
        for (int* fd : {&slave, &in_fd, &out[0], &out[1], &err[0], &err[1]}) close_fd(*fd);
        throw;
    }
    for (int* fd : {&slave, &in_fd, &out[1], &err[1]}) close_fd(*fd);
    c.out_fd_ = out[0];
    c.err_fd_ = err[0];
    for (const int fd : {c.term_fd_, c.out_fd_, c.err_fd_})
        if (fd >= 0) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    return c;
}

void child::type(std::string_view keys) {
    if (term_fd_ >= 0 && ::write(term_fd_, keys.data(), keys.size()) != static_cast<ssize_t>(keys.size()))
        throw std::runtime_error("cannot type on the pseudo-terminal");
}

}  // namespace netlab::test
