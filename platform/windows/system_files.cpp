#include <windows.h>

#include "netlab/platform/system_files.hpp"

namespace netlab::platform {

std::filesystem::path services_database_path() {
    wchar_t dir[MAX_PATH];
    const UINT n = ::GetSystemDirectoryW(dir, MAX_PATH);
    if (n == 0 || n >= MAX_PATH) return L"C:\\Windows\\System32\\drivers\\etc\\services";
    return std::filesystem::path(dir) / L"drivers" / L"etc" / L"services";
}

}  // namespace netlab::platform
