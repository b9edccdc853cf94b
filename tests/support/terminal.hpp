// A child whose stdout and/or stderr is a pseudo-terminal, for what a program does only
// on a terminal (progress bars, refusing binary output). The streams not on the terminal
// are pipes. The terminal is raw (no "\n" to "\r\n"), so what it shows is what the
// program wrote. Every wait has a deadline; the child is killed by its PID when its
// handle goes away.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace netlab::test {

using namespace std::chrono_literals;

struct terminal_streams {
    bool out = true;
    bool err = true;
};

class terminal_child {
public:
    // Starts argv (stdin: /dev/null) with the chosen streams on a terminal `columns` wide.
    static terminal_child start(const std::vector<std::string>& argv, terminal_streams on_terminal,
                                int columns = 100);
    terminal_child() = default;
    terminal_child(terminal_child&& other) noexcept;
    terminal_child& operator=(terminal_child&& other) noexcept;
    terminal_child(const terminal_child&) = delete;
    terminal_child& operator=(const terminal_child&) = delete;
    ~terminal_child();

    // Reads until `text` has appeared on the terminal; false when the deadline passes or
    // the child is gone first.
    bool wait_for(std::string_view text, std::chrono::milliseconds timeout = 10s);
    void send_signal(int sig);
    // Waits for exit (SIGKILL at the deadline) and collects all output; the exit code,
    // or -1 when killed.
    int wait(std::chrono::milliseconds timeout = 10s);

    const std::string& terminal() const { return term_; }  // what the terminal received
    const std::string& out() const { return out_; }        // stdout, when it is a pipe
    const std::string& err() const { return err_; }        // stderr, when it is a pipe

private:
    void pump(std::chrono::milliseconds timeout);
    void close_all();
    pid_t pid_ = -1;
    int master_ = -1, out_fd_ = -1, err_fd_ = -1;
    std::string term_, out_, err_;
    bool exited_ = false;
    int status_ = 0;
};

}  // namespace netlab::test
