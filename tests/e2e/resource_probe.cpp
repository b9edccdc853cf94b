// Runs out of a resource where no catch reaches it: on a thread of its own, so the
// exception ends in std::terminate. netlab's frame installs the same handler at start;
// this program makes that path happen on demand for e2e_resources. The argument says
// what runs out: memory, descriptors, threads, or nothing (a plain bug).
#include <new>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>

#include "cli/resource_error.hpp"

int main(int argc, char** argv) {
    netlab::cli::install_resource_error_handler();
    const std::string what = argc > 1 ? argv[1] : "";
    std::thread t([what] {
        if (what == "memory") throw std::bad_alloc();
        if (what == "descriptors") throw std::system_error(std::make_error_code(std::errc::too_many_files_open), "epoll");
        if (what == "threads") throw std::system_error(std::make_error_code(std::errc::resource_unavailable_try_again));
        throw std::logic_error("a bug, not a resource");
    });
    t.join();
    return 0;
}
