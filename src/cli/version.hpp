// What --version reports: netlab's version, the OS and I/O backend, dependency versions.
#pragma once

#include <string>

#include "cli/json.hpp"

namespace netlab::cli {

std::string version_text();
json_object version_json();

}  // namespace netlab::cli
