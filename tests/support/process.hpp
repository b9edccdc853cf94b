// Running real programs from end-to-end tests: the built netlab binary and the peers we
// did not write (curl, python3, nginx, nc, ...). Every wait has a deadline, the final
// drain of a child's pipes too: a descendant that keeps them open (a wine service, a socat
// fork child) cannot hang a test. Each child leads a process group of its own; a child
// still running when its handle goes away is killed with that group, by its PID, never by
// name. Children inherit no descriptor but stdin, stdout and stderr.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netlab::test {

using namespace std::chrono_literals;

struct run_result {
    int exit_code = -1;  // -1 when killed by a signal or on timeout
    std::string out;
    std::string err;
    bool timed_out = false;
};

// The netlab command line to start: $NETLAB_EMULATOR (e.g. "wine") if set, then
// $NETLAB_BIN or the binary this build produced.
std::vector<std::string> netlab_command();

// netlab_command() followed by `args`: a whole command line to run.
std::vector<std::string> netlab_args(const std::vector<std::string>& args);

// The netlab binary this build produced, ignoring $NETLAB_EMULATOR and $NETLAB_BIN: the
// other end of a mixed pair (netlab.exe under wine talking to the Linux build).
std::vector<std::string> native_netlab_command();

// True when netlab runs under an emulator ($NETLAB_EMULATOR, e.g. wine): a few Windows
// behaviours seen there are the emulator's, not Windows'.
bool under_emulator();

// True when this build (and so the netlab it tests) runs under AddressSanitizer or
// ThreadSanitizer, whose allocators keep freed memory instead of giving it back and which
// need file descriptors of their own.
constexpr bool under_sanitizer() {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
    return true;
#else
    return false;
#endif
#else
    return false;
#endif
}

// Starts argv with these descriptors as its stdin, stdout and stderr (the caller closes
// its own copies), every other descriptor closed, default signal handling, and a process
// group of its own (its PID); throws when it cannot start.
pid_t spawn_process(const std::vector<std::string>& argv, int in_fd, int out_fd, int err_fd);

// Runs a program to completion (killing it and its process group at the deadline),
// feeding `input` on stdin as the program reads it (never blocking on a full pipe).
run_result run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout = 30s,
               std::string_view input = {});

// Runs a program whose stdout is a pipe nobody reads (a stalled `| less`, a reader that
// hangs): writes there block once the pipe is full. Only stderr is collected.
run_result run_with_stdout_unread(const std::vector<std::string>& argv, std::chrono::milliseconds timeout = 30s);

// Runs netlab with these arguments.
run_result run_netlab(const std::vector<std::string>& args, std::chrono::milliseconds timeout = 30s,
                      std::string_view input = {});

// Throws (failing the test with the reason) unless `name` is on PATH.
void require_program(const std::string& name);

// True if a program is on PATH (peers are installed by scripts/test; a developer
// without one sees the test skipped with a message, CI never does).
bool have_program(const std::string& name);

// Which standard streams of a child started on a terminal are the terminal; the others
// are pipes.
struct terminal_streams {
    bool out = true;
    bool err = true;
    bool in = false;  // else stdin is /dev/null
};

// After the child has exited, how long its pipes are still read for what it wrote (all of
// it is there already) before a descendant holding them open is given up on.
inline constexpr std::chrono::milliseconds pipe_grace_after_exit = 2s;

// A long-running child with its stdout read line by line and stderr collected. stdin is
// closed (/dev/null-like: end of input at once) unless started with start_with_stdin.
class child {
public:
    static child start(const std::vector<std::string>& argv);
    // The same with stdin a pipe that stays open: write_stdin() feeds it, close_stdin() ends it.
    static child start_with_stdin(const std::vector<std::string>& argv);
    // With the chosen streams on a pseudo-terminal `columns` wide (stdin on /dev/null unless chosen),
    // for what a program does only on a terminal (progress bars, refusing binary output).
    // The terminal is raw (no "\n" to "\r\n"), so it shows what the program wrote; the
    // child gets no controlling terminal. Defined in support/terminal.cpp.
    static child start_on_terminal(const std::vector<std::string>& argv, terminal_streams on_terminal,
                                   int columns = 100);
    child() = default;
    child(child&& other) noexcept;
    child& operator=(child&& other) noexcept;
    child(const child&) = delete;
    child& operator=(const child&) = delete;
    ~child();

    pid_t pid() const { return pid_; }
    // Next stdout line (without '\n'), or nullopt at EOF or when the deadline passes.
    std::optional<std::string> read_line(std::chrono::milliseconds timeout = 10s);
    // The next stderr line (without '\n') that contains `text`, after the last line these
    // two returned; nullopt when the deadline passes or stderr ends first. stderr_text()
    // keeps every line.
    std::optional<std::string> wait_for_stderr(std::string_view text, std::chrono::milliseconds timeout = 20s);
    std::optional<std::string> wait_for_stderr_line(const std::function<bool(std::string_view)>& match,
                                                    std::chrono::milliseconds timeout = 20s);
    // Queues bytes for stdin (start_with_stdin); written whenever this object reads or
    // waits, as fast as the child takes them, never blocking. Dropped if the child has
    // closed its stdin.
    void write_stdin(std::string_view bytes);
    // Closes stdin once what was queued is written: the child reads end of input.
    void close_stdin();
    // Sends a signal to this child's PID (not its group: wine's Ctrl-C path needs the PID).
    void send_signal(int sig);
    // True once the child has exited (noticed whenever this object reads or waits).
    bool exited();
    // Waits for exit; kills it and its process group (SIGKILL) if the deadline passes.
    // Returns the exit code, or -1 if it was killed or died of a signal. Collects the rest
    // of stdout and stderr (for at most pipe_grace_after_exit after the exit).
    int wait(std::chrono::milliseconds timeout = 10s);
    // True if wait() had to kill it at the deadline.
    bool killed_at_deadline() const { return killed_; }
    const std::string& stderr_text() const { return err_; }
    const std::string& stdout_rest() const { return out_; }
    // Reads until `text` has appeared on the terminal; false when the deadline passes or
    // the terminal closes first.
    bool wait_for_terminal(std::string_view text, std::chrono::milliseconds timeout = 10s);
    const std::string& terminal_text() const { return term_; }
    // Types on the terminal, for a child whose stdin is on it ("\n" is Enter).
    void type(std::string_view keys);

private:
    friend run_result run(const std::vector<std::string>&, std::chrono::milliseconds, std::string_view);
    friend run_result run_with_stdout_unread(const std::vector<std::string>&, std::chrono::milliseconds);
    static run_result run_to_end(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                                 std::string_view input, bool read_stdout);
    static child start_piped(const std::vector<std::string>& argv, bool keep_stdin, bool read_stdout);
    // Reads whatever is ready from the pipes and the terminal, writes queued stdin, and
    // notices the exit; returns within `timeout` (sooner when something happened).
    void pump(std::chrono::milliseconds timeout);
    void flush_stdin();
    void reap();                   // waitpid without blocking
    void kill_group();             // SIGKILL to the child's process group, then reaped
    void give_up_pipes();          // a descendant holds them: stop reading, and say so
    bool reading() const;          // a pipe or the terminal is still open for reading
    void close_pipes();
    pid_t pid_ = -1;
    int in_fd_ = -1;
    int out_fd_ = -1;
    int err_fd_ = -1;
    int term_fd_ = -1;  // the pseudo-terminal's master side
    bool read_out_ = true;  // false: stdout is a pipe nobody reads (run_with_stdout_unread)
    std::string in_;        // queued for stdin
    bool close_in_ = false;  // close stdin once in_ is written
    std::string out_;
    std::string err_;
    std::size_t err_seen_ = 0;  // wait_for_stderr continues after this offset
    std::string term_;
    bool exited_ = false;
    bool killed_ = false;
    std::chrono::steady_clock::time_point exited_at_;
    int status_ = 0;
};

// A temporary folder, removed with everything in it when the object goes away.
class temp_dir {
public:
    // `memory`: in /dev/shm where there is one, for tests that make thousands of files
    // (a file system with a journal takes a millisecond for each).
    enum class where { disk, memory };
    explicit temp_dir(where place = where::disk);
    ~temp_dir();
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    const std::string& path() const { return path_; }
    // Writes a file (creating parent folders); returns its full path.
    std::string write(const std::string& relative, std::string_view content) const;
    // Makes `count` empty files file-0.txt, file-1.txt, ... in the folder `relative`.
    void fill_with_files(const std::string& relative, int count) const;

private:
    std::string path_;
};

}  // namespace netlab::test
