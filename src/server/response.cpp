#include "server/response.hpp"

#include <charconv>
#include <chrono>

#include "http/http_date.hpp"
#include "server/stock_replies.hpp"

namespace netlab::server {

head_builder::head_builder(std::string& out, int status) : out_(out) {
    out_.clear();
    char code[4];
    std::to_chars(code, code + 3, status);
    out_.append("HTTP/1.1 ").append(code, 3).append(" ").append(reason_phrase(status)).append("\r\n");
    out_.append("Server: netlab\r\nDate: ").append(current_http_date()).append("\r\n");
}

head_builder& head_builder::field(std::string_view name, std::string_view value) {
    out_.append(name).append(": ").append(value).append("\r\n");
    return *this;
}

head_builder& head_builder::field(std::string_view name, std::uint64_t value) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    return field(name, std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

head_builder& head_builder::raw(std::string_view lines) {
    out_.append(lines);
    return *this;
}

void finish_head(std::string& head, bool close, bool http10_keep_alive) {
    if (close) head.append("Connection: close\r\n");
    else if (http10_keep_alive) head.append("Connection: keep-alive\r\n");
    head.append("\r\n");
}

std::string_view current_http_date() {
    thread_local std::int64_t rendered_second = -1;
    thread_local std::string text;
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    if (now != rendered_second) {
        text = http::format_http_date(now);
        rendered_second = now;
    }
    return text;
}

}  // namespace netlab::server
