// Giving memory back to the OS. A server's allocator keeps what a burst of connections
// freed (glibc keeps it in each thread's arena), so RSS stays at the burst's peak long
// after; a server that has gone quiet again can hand it back.
#pragma once

namespace netlab::platform {

// Returns the allocator's free memory to the OS where it can (glibc's malloc_trim); a
// no-op elsewhere. Costs a walk of the heap: call it rarely, when a burst has passed.
void release_free_memory();

}  // namespace netlab::platform
