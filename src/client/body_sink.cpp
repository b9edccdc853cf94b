#include "client/body_sink.hpp"

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <system_error>

#include "netlab/platform/error.hpp"
#include "netlab/platform/file.hpp"
#include "netlab/platform/stdio.hpp"

namespace netlab::client {
namespace {

std::error_code last_errno() { return {errno, std::generic_category()}; }

// Creating a file whose folder is missing fails with "no such file": say what is missing.
std::string create_reason(const std::string& path, const std::error_code& ec) {
    if (platform::classify(ec) == platform::error_kind::not_found) return "no such folder";
    return describe_file_error(path, ec);
}

// A write to a pipe whose reader has gone is EPIPE; the socket wording ("connection
// closed by peer") would mislead.
std::string write_reason(const std::error_code& ec) {
    if (platform::classify(ec) == platform::error_kind::broken_pipe) return "the reader has gone (broken pipe)";
    return platform::describe(ec);
}

}  // namespace

std::string describe_file_error(const std::string& path, const std::error_code& ec) {
    std::error_code ignored;
    if (platform::stat_path(path, ignored).is_directory)
        return std::string(platform::kind_message(platform::error_kind::is_directory));
    return platform::describe(ec);
}

bool looks_binary(std::string_view bytes) { return bytes.find('\0') != std::string_view::npos; }

struct body_sink::state {
    enum class kind { file, stream, discard } what = kind::discard;
    std::string name;
    std::FILE* f = nullptr;
    bool owns = false;  // a file we opened and close
    bool refuse_binary = false;
    bool failed = false;
    std::uint64_t body_bytes = 0;
    std::string error;

    bool fail(std::string why) {
        failed = true;
        error = std::move(why);
        return false;
    }
    bool open() {
        if (f != nullptr || what != kind::file) return true;
        if (failed) return false;
        errno = 0;
        f = platform::open_output_file(name);
        if (f == nullptr) return fail(fmt::format("cannot create {}: {}", name, create_reason(name, last_errno())));
        owns = true;
        // Body data comes in large blocks; stdio's small buffer would split each into two
        // write calls.
        std::setvbuf(f, nullptr, _IONBF, 0);
        return true;
    }
    bool put(std::string_view bytes) {
        if (what == kind::discard || bytes.empty()) return true;
        if (failed || !open()) return false;
        std::error_code ec;
        return platform::write_all(f, bytes, ec) || write_failed(ec);
    }
    bool close() {
        if (what == kind::discard) return true;
        if (failed || !open()) return false;
        if (!owns) return true;  // a stream we were given: every byte went past its buffer
        errno = 0;
        const bool ok = std::fclose(f) == 0;
        f = nullptr;
        owns = false;
        return ok || write_failed(last_errno());
    }
    // "cannot write out.bin: no space left on device", "cannot write to stdout: ..."
    bool write_failed(const std::error_code& ec) {
        return fail(fmt::format("cannot write {}{}: {}", what == kind::file ? "" : "to ", name, write_reason(ec)));
    }
};

body_sink::body_sink(std::unique_ptr<state> s) : s_(std::move(s)) {}
body_sink::body_sink(body_sink&&) noexcept = default;
body_sink& body_sink::operator=(body_sink&&) noexcept = default;

body_sink::~body_sink() {
    if (s_ && s_->owns && s_->f != nullptr) std::fclose(s_->f);
}

body_sink body_sink::file(std::string path) {
    auto s = std::make_unique<state>();
    s->what = state::kind::file;
    s->name = std::move(path);
    return body_sink(std::move(s));
}

body_sink body_sink::stream(std::FILE* f, std::string name, bool refuse_binary) {
    auto s = std::make_unique<state>();
    s->what = state::kind::stream;
    s->name = std::move(name);
    s->f = f;
    s->refuse_binary = refuse_binary;
    std::setvbuf(f, nullptr, _IONBF, 0);  // as for files: one write per block
    return body_sink(std::move(s));
}

body_sink body_sink::to_stdout(bool refuse_binary) {
    platform::set_binary_stdout();
    return stream(stdout, "stdout", refuse_binary);
}

body_sink body_sink::discard() { return body_sink(std::make_unique<state>()); }

bool body_sink::write_head(std::string_view head) { return s_->put(head); }

bool body_sink::write(std::string_view bytes) {
    // curl's rule (tool_cb_wrt.c): only the first blocks are looked at.
    if (s_->refuse_binary && !s_->failed && s_->body_bytes < binary_check_bytes && looks_binary(bytes))
        return s_->fail(std::string(binary_to_terminal_message));
    s_->body_bytes += bytes.size();
    return s_->put(bytes);
}

bool body_sink::finish() { return s_->close(); }

const std::string& body_sink::error() const { return s_->error; }

}  // namespace netlab::client
