#include "cli/resource_error.hpp"

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string_view>
#include <system_error>
#include <thread>

#include "cli/exit_codes.hpp"
#include "netlab/platform/error.hpp"
#include "netlab/platform/limits.hpp"
#include "netlab/platform/stdio.hpp"

namespace netlab::cli {
namespace {

enum class resource { none, memory, descriptors, threads };

resource resource_of(const std::exception& e) noexcept {
    if (dynamic_cast<const std::bad_alloc*>(&e) != nullptr) return resource::memory;
    const auto* se = dynamic_cast<const std::system_error*>(&e);
    if (se == nullptr) return resource::none;
    const std::error_code& ec = se->code();
    if (platform::classify(ec) == platform::error_kind::too_many_open_files) return resource::descriptors;
    // ENOMEM from a system call (asio's epoll_create, a socket buffer).
    if (ec == std::errc::not_enough_memory) return resource::memory;
    // What std::thread and asio's threads throw when pthread_create fails: EAGAIN, for a
    // process limit or no memory for the stack. Sockets here wait through asio and never
    // throw it.
    if (ec == std::errc::resource_unavailable_try_again) return resource::threads;
    return resource::none;
}

// Short words for when even formatting the line fails for want of memory (the
// terminate handler's last resort).
std::string_view plain_text(resource r) {
    switch (r) {
        case resource::memory: return "out of memory: free some and try again";
        case resource::descriptors: return "out of file descriptors (too many open files)";
        case resource::threads: return "out of threads (resource temporarily unavailable)";
        case resource::none: break;
    }
    return "";
}

// 1048576 as "1,048,576".
std::string grouped(std::uint64_t n) {
    std::string digits = std::to_string(n);
    for (auto i = static_cast<std::ptrdiff_t>(digits.size()) - 3; i > 0; i -= 3) digits.insert(static_cast<std::size_t>(i), ",");
    return digits;
}

std::string detailed_text(resource r, const std::exception& e) {
    switch (r) {
        case resource::memory: {
            const auto lim = platform::address_space_limit();
            if (!lim.applicable || lim.soft == UINT64_MAX) return "out of memory: free some and try again";
            return fmt::format("out of memory (the address-space limit is {} KiB): raise it with `ulimit -v`",
                               grouped(lim.soft / 1024));
        }
        case resource::descriptors:
            // The words every subcommand uses for this error code, wherever it is reported.
            return platform::describe(dynamic_cast<const std::system_error&>(e).code());
        case resource::threads:
            if (!platform::address_space_limit().applicable)
                return "out of threads (resource temporarily unavailable): free memory and try again";
            return "out of threads (resource temporarily unavailable): raise the limits with `ulimit -u` and `ulimit -v`";
        case resource::none: break;
    }
    return std::string(plain_text(r));
}

std::terminate_handler previous_handler = nullptr;
std::atomic<bool> terminating{false};

// One line, written past the C library's stream lock (another thread may hold it,
// blocked on a pipe nobody reads), then the exit: nothing else in the process is trusted.
[[noreturn]] void exit_with(std::string_view text) {
    std::error_code ignored;
    platform::write_all(stderr, "netlab: ", ignored);
    platform::write_all(stderr, text, ignored);
    platform::write_all(stderr, "\n", ignored);
    std::_Exit(exit_code::failure);
}

[[noreturn]] void on_terminate() {
    if (const auto current = std::current_exception()) {
        try {
            std::rethrow_exception(current);
        } catch (const std::exception& e) {
            if (const resource r = resource_of(e); r != resource::none) {
                // Two threads may run out at once: the first one's line is the one printed.
                if (terminating.exchange(true))
                    for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
                try {
                    exit_with(detailed_text(r, e));
                } catch (...) {
                    exit_with(plain_text(r));
                }
            }
        } catch (...) {  // NOLINT(bugprone-empty-catch): no exception of ours, the previous handler speaks
        }
    }
    if (previous_handler != nullptr) previous_handler();
    std::abort();
}

}  // namespace

std::optional<std::string> resource_error_text(const std::exception& e) {
    const resource r = resource_of(e);
    if (r == resource::none) return std::nullopt;
    return detailed_text(r, e);
}

void install_resource_error_handler() {
    if (std::get_terminate() == on_terminate) return;
    previous_handler = std::set_terminate(on_terminate);
}

}  // namespace netlab::cli
