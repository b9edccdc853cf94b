// Standard streams and output files as byte sinks: an HTTP body must reach stdout or a
// file unchanged on every OS (Windows' C runtime would turn "\n" into "\r\n").
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <system_error>

namespace netlab::platform {

// Switches stdout to binary mode (Windows _setmode); nothing to do on POSIX.
void set_binary_stdout();

// Opens (creating or truncating) a file for binary writing; the name is UTF-8 on every
// OS. nullptr on failure, with errno set.
std::FILE* open_output_file(const std::string& utf8_path);

// Writes all of `bytes` to the stream's OS handle (write(2), WriteFile), past the C
// library's buffer and its stream lock: a write blocked on a pipe nobody reads then holds
// no lock that exit() or a printf on another thread would wait for. The stream must be
// unbuffered, so nothing sits in its buffer. false, with `ec`, when a write fails; a
// reader that has gone is error_kind::broken_pipe on every OS.
bool write_all(std::FILE* f, std::string_view bytes, std::error_code& ec);

}  // namespace netlab::platform
