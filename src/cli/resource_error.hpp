// Running out of memory, file descriptors or threads is no bug and no network fault: it
// is one line naming the resource and what to do, and exit 1, the same in every
// subcommand. The frame turns such an exception into that line wherever it surfaces: at
// the end of a subcommand, or in std::terminate when it escaped a thread or a noexcept
// function (a destructor that allocates while the stack unwinds after a bad_alloc).
#pragma once

#include <exception>
#include <optional>
#include <string>

namespace netlab::cli {

// "out of file descriptors (too many open files; the limit is 12): raise it with
// `ulimit -n`" for an exception that says a resource ran out; nullopt for any other.
std::optional<std::string> resource_error_text(const std::exception& e);

// From now on an exception that would end the process through std::terminate and is a
// resource error prints its line ("netlab: ...") on stderr and exits 1; anything else
// keeps the previous handler (the C++ library's message and abort).
void install_resource_error_handler();

}  // namespace netlab::cli
