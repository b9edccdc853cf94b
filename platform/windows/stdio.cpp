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

bool write_all(std::FILE* f, std::string_view bytes, std::error_code& ec) {
    const auto handle = reinterpret_cast<HANDLE>(_get_osfhandle(_fileno(f)));
    if (handle == INVALID_HANDLE_VALUE) {
        ec.assign(ERROR_INVALID_HANDLE, std::system_category());
        return false;
    }
    while (!bytes.empty()) {
        // WriteFile takes a DWORD: large bodies go in pieces of at most 1 GiB.
        const DWORD chunk = static_cast<DWORD>(bytes.size() < (1u << 30) ? bytes.size() : (1u << 30));
        DWORD written = 0;
        if (!WriteFile(handle, bytes.data(), chunk, &written, nullptr)) {
            const DWORD code = GetLastError();
            // A pipe whose reader has gone answers "the pipe is being closed" (ERROR_NO_DATA).
            ec.assign(static_cast<int>(code == ERROR_NO_DATA ? ERROR_BROKEN_PIPE : code), std::system_category());
            return false;
        }
        bytes.remove_prefix(written);
    }
    ec.clear();
    return true;
}

}  // namespace netlab::platform
