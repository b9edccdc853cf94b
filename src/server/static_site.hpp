// Static files: maps a parsed request to a response for the folder being served. The
// safety rules live here: nothing outside the root, no dotfiles unless asked, no
// symlinks that leave the root unless asked.
#pragma once

#include <filesystem>

#include "http/request_parser.hpp"
#include "server/config.hpp"
#include "server/file_cache.hpp"
#include "server/response.hpp"

namespace netlab::server {

class static_site {
public:
    // `root` must exist; it is made canonical once here.
    static_site(const server_config& config, std::error_code& ec);

    const std::filesystem::path& root() const { return root_; }

    // Fills `res` (head without its final Connection line and empty line; body).
    void respond(const http::request_head& req, file_cache& cache, response& res) const;

private:
    enum class access { ok, denied };
    access check_real_path(const std::filesystem::path& p) const;
    void answer_options(const http::request_head& req, response& res) const;
    void open_and_serve(const http::request_head& req, bool is_head, const std::filesystem::path& path,
                        std::string_view cache_key, file_cache& cache, response& res) const;
    // `file`: the open file to send a body from, when the entry does not hold it in memory.
    void serve_file(const http::request_head& req, bool is_head, const std::shared_ptr<const cached_file>& entry,
                    std::shared_ptr<platform::read_only_file> file, response& res) const;
    void serve_folder(const http::request_head& req, bool is_head, const std::filesystem::path& dir,
                      std::string_view url_path, bool is_root, file_cache& cache, std::string_view cache_key,
                      response& res) const;

    const server_config& config_;
    std::filesystem::path root_;
};

// Whether an If-None-Match value matches an entity tag (weak comparison, RFC 9110 §13.1.2).
bool etag_matches(std::string_view if_none_match, std::string_view etag);

}  // namespace netlab::server
