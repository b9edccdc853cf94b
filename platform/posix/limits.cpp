#include <sys/resource.h>

#include <algorithm>
#include <climits>

#include "netlab/platform/limits.hpp"

namespace netlab::platform {
namespace {

std::uint64_t to_u64(rlim_t v) {
    return v == RLIM_INFINITY ? UINT64_MAX : static_cast<std::uint64_t>(v);
}

}  // namespace

file_limit open_file_limit() {
    rlimit rl{};
    if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return {true, 0, 0};
    return {true, to_u64(rl.rlim_cur), to_u64(rl.rlim_max)};
}

file_limit address_space_limit() {
    rlimit rl{};
    if (::getrlimit(RLIMIT_AS, &rl) != 0) return {true, UINT64_MAX, UINT64_MAX};
    return {true, to_u64(rl.rlim_cur), to_u64(rl.rlim_max)};
}

file_limit raise_open_file_limit(std::uint64_t wanted) {
    rlimit rl{};
    if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return open_file_limit();
    std::uint64_t ceiling = to_u64(rl.rlim_max);
#if defined(__APPLE__) && defined(OPEN_MAX)
    // macOS refuses a soft limit above OPEN_MAX even when the hard limit is unlimited.
    ceiling = std::min<std::uint64_t>(ceiling, OPEN_MAX);
#endif
    const std::uint64_t target = std::min(wanted, ceiling);
    if (target > to_u64(rl.rlim_cur)) {
        rl.rlim_cur = static_cast<rlim_t>(target);
        ::setrlimit(RLIMIT_NOFILE, &rl);  // best effort: the result below says what holds
    }
    return open_file_limit();
}

}  // namespace netlab::platform
