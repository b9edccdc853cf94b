// Standard streams and output files as byte sinks: an HTTP body must reach stdout or a
// file unchanged on every OS (Windows' C runtime would turn "\n" into "\r\n").
#pragma once

#include <cstdio>
#include <string>

namespace netlab::platform {

// Switches stdout to binary mode (Windows _setmode); nothing to do on POSIX.
void set_binary_stdout();

// Opens (creating or truncating) a file for binary writing; the name is UTF-8 on every
// OS. nullptr on failure, with errno set.
std::FILE* open_output_file(const std::string& utf8_path);

}  // namespace netlab::platform
