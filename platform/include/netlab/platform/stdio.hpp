// Standard streams and output files as byte sinks: an HTTP body must reach stdout or a
// file unchanged on every OS (Windows' C runtime would turn "\n" into "\r\n").
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace netlab::platform {

// Switches stdout to binary mode (Windows _setmode); nothing to do on POSIX.
void set_binary_stdout();

// Opens (creating or truncating) a file for binary writing; the name is UTF-8 on every
// OS. nullptr on failure, with errno set.
std::FILE* open_output_file(const std::string& utf8_path);

// Writes all of `bytes` to the OS handle behind `f` (write(2) / WriteFile), past stdio's
// buffer and its lock, so a thread blocked here on a reader that stalls holds no lock that
// others (or exit) need. `f` must have nothing buffered. False when the handle fails (a
// closed pipe, a full disk).
bool write_to_handle(std::FILE* f, std::string_view bytes);

}  // namespace netlab::platform
