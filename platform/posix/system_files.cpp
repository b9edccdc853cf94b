#include "netlab/platform/system_files.hpp"

namespace netlab::platform {

std::filesystem::path services_database_path() { return "/etc/services"; }

}  // namespace netlab::platform
