// Where the OS keeps the databases a network tool reads.
#pragma once

#include <filesystem>

namespace netlab::platform {

// The services database (name <-> port, IANA's names): /etc/services on POSIX,
// %SystemRoot%\System32\drivers\etc\services on Windows. It may be missing.
std::filesystem::path services_database_path();

}  // namespace netlab::platform
