// Where a response goes: a file (-o, -O), stdout, or nowhere (--json without -o), with
// curl's rules: a file is created at the first byte, so a failed transfer leaves no empty
// file behind; a binary body is not poured onto a terminal. Failures are kept as one
// line naming the destination and the OS's reason.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

namespace netlab::client {

// Why a file could not be opened, in the same words on every OS: a folder in the way is
// EISDIR on POSIX but "access denied" on Windows; both read "is a directory".
std::string describe_file_error(const std::string& path, const std::error_code& ec);

// curl's test for a body that would garble a terminal: a NUL byte.
bool looks_binary(std::string_view bytes);

// The body bytes curl looks at for binary content (tool_cb_wrt.c): only the start.
inline constexpr std::uint64_t binary_check_bytes = 2000;

inline constexpr std::string_view binary_to_terminal_message =
    "binary output can mess up your terminal; use -o FILE or -o -";

class body_sink {
public:
    // A file, created (or truncated) when the first byte arrives or at finish().
    static body_sink file(std::string path);
    // An open stream (stdout), written straight to its OS handle (platform::write_all):
    // one write per block, and no stdio lock held while a write waits. With
    // `refuse_binary` (the stream is a terminal and -o - was not given) a body that
    // looks_binary in its first binary_check_bytes is refused.
    static body_sink stream(std::FILE* f, std::string name, bool refuse_binary);
    // stdout, switched to binary mode first (Windows would turn "\n" into "\r\n").
    static body_sink to_stdout(bool refuse_binary);
    // Nowhere: every write succeeds.
    static body_sink discard();

    body_sink(body_sink&&) noexcept;
    body_sink& operator=(body_sink&&) noexcept;
    ~body_sink();

    // A response head (-i): written as it is, never checked for binary content.
    bool write_head(std::string_view head);
    // Body bytes; false (and error()) when they could not all be written or are refused.
    bool write(std::string_view bytes);
    // The end of the body: creates the file of an empty body, closes or flushes.
    bool finish();
    // Why the last write or finish failed: "cannot create /x/y.json: no such folder".
    const std::string& error() const;

private:
    struct state;
    explicit body_sink(std::unique_ptr<state> s);
    std::unique_ptr<state> s_;
};

}  // namespace netlab::client
