#include <fcntl.h>
#include <io.h>
#include <windows.h>

#include "netlab/platform/stdio.hpp"

namespace netlab::platform {

void set_binary_stdout() {
    // Text mode would write every "\n" in a body as "\r\n" and stop at 0x1A.
    std::fflush(stdout);
    _setmode(_fileno(stdout), _O_BINARY);
}

std::FILE* open_output_file(const std::string& utf8_path) {
    // fopen takes the ANSI code page; the wide API takes any name.
    const int n = MultiByteToWideChar(CP_UTF8, 0, utf8_path.c_str(), -1, nullptr, 0);
    if (n <= 0) return nullptr;
    std::wstring wide(static_cast<std::size_t>(n), L'\0');
    MultiByteToWideChar(CP_UTF8, 0, utf8_path.c_str(), -1, wide.data(), n);
    return _wfopen(wide.c_str(), L"wb");
}

bool write_to_handle(std::FILE* f, std::string_view bytes) {
    const HANDLE h = reinterpret_cast<HANDLE>(_get_osfhandle(_fileno(f)));
    if (h == INVALID_HANDLE_VALUE) return false;
    while (!bytes.empty()) {
        const DWORD want = bytes.size() > 0x7FFFFFFF ? 0x7FFFFFFF : static_cast<DWORD>(bytes.size());
        DWORD written = 0;
        if (!::WriteFile(h, bytes.data(), want, &written, nullptr)) return false;
        bytes.remove_prefix(written);
    }
    return true;
}

}  // namespace netlab::platform
