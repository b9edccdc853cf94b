#include "netlab/platform/memory.hpp"

namespace netlab::platform {

// The Windows heap decommits free pages by itself.
void release_free_memory() {}

}  // namespace netlab::platform
