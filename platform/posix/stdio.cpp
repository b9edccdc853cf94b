#include "netlab/platform/stdio.hpp"

namespace netlab::platform {

void set_binary_stdout() {}  // POSIX streams are always binary

std::FILE* open_output_file(const std::string& utf8_path) { return std::fopen(utf8_path.c_str(), "wb"); }

}  // namespace netlab::platform
