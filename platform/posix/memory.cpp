#include "netlab/platform/memory.hpp"

#include <cstdlib>  // defines __GLIBC__ where the C library is glibc

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace netlab::platform {

void release_free_memory() {
#if defined(__GLIBC__)
    ::malloc_trim(0);  // every arena, not just the top of the main heap
#endif
    // macOS's and musl's allocators return free pages by themselves.
}

}  // namespace netlab::platform
