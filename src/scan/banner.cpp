#include "scan/banner.hpp"

namespace netlab::scan {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// "NNN-": the first line of a multi-line reply.
bool opens_reply(std::string_view line) {
    return line.size() >= 4 && is_digit(line[0]) && is_digit(line[1]) && is_digit(line[2]) && line[3] == '-';
}

// "NNN", "NNN text": the last line of the reply whose code is `code`.
bool closes_reply(std::string_view line, std::string_view code) {
    if (line.substr(0, 3) != code) return false;
    return line.size() == 3 || line[3] == ' ' || line[3] == '\r';
}

}  // namespace

bool banner_complete(std::string_view bytes) {
    std::string_view code;  // of the multi-line reply under way
    for (auto end = bytes.find('\n'); end != std::string_view::npos; end = bytes.find('\n')) {
        const auto line = bytes.substr(0, end);
        bytes.remove_prefix(end + 1);
        if (code.empty()) {
            if (!opens_reply(line)) return true;
            code = line.substr(0, 3);
        } else if (closes_reply(line, code)) {
            return true;
        }
    }
    return false;
}

}  // namespace netlab::scan
