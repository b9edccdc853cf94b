#include "netlab/platform/limits.hpp"

namespace netlab::platform {

// Winsock sockets are kernel handles with no per-process soft limit to raise (the C
// runtime's _setmaxstdio concerns FILE* streams, not sockets).
file_limit open_file_limit() { return {false, UINT64_MAX, UINT64_MAX}; }

file_limit raise_open_file_limit(std::uint64_t) { return open_file_limit(); }

// A Windows process has no address-space limit to raise (job objects aside).
file_limit address_space_limit() { return {false, UINT64_MAX, UINT64_MAX}; }

}  // namespace netlab::platform
