#include "client/post_data.hpp"

#include <array>
#include <fmt/format.h>
#include <system_error>

#include "client/body_sink.hpp"
#include "netlab/platform/file.hpp"

namespace netlab::client {
namespace {

// The file's bytes without CR and LF; nullopt (and `ec`) when it cannot be read, a
// folder included.
std::optional<std::string> read_without_line_ends(const std::string& path, std::error_code& ec) {
    auto f = platform::read_only_file::open(path, ec);
    if (ec) return std::nullopt;
    std::string out;
    out.reserve(static_cast<std::size_t>(f.size()));
    std::array<char, 64 * 1024> buf{};
    for (std::uint64_t at = 0;;) {
        const std::size_t n = f.read_at(at, buf.data(), buf.size(), ec);
        if (ec) return std::nullopt;
        if (n == 0) return out;
        for (std::size_t i = 0; i < n; ++i)
            if (buf[i] != '\r' && buf[i] != '\n') out += buf[i];
        at += n;
    }
}

}  // namespace

std::optional<std::string> post_data(std::span<const std::string> args, std::string& why) {
    std::string body;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (i > 0) body += '&';
        if (!args[i].starts_with('@')) {
            body += args[i];
            continue;
        }
        const std::string path = args[i].substr(1);
        std::error_code ec;
        const auto content = read_without_line_ends(path, ec);
        if (!content) {
            why = fmt::format("cannot read data file '{}': {}", path, describe_file_error(path, ec));
            return std::nullopt;
        }
        body += *content;
    }
    return body;
}

}  // namespace netlab::client
