// A temporary folder served by a static_site, and a way to ask it for a response as if a
// request had arrived. Portable (std::filesystem only), so it runs under wine too.
#pragma once

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>

#include "http/request_parser.hpp"
#include "server/static_site.hpp"

namespace netlab::test {

class site_fixture {
public:
    site_fixture() {
        static std::atomic<int> counter{0};
        root_ = std::filesystem::temp_directory_path() /
                ("netlab-site-" + std::to_string(reinterpret_cast<std::uintptr_t>(this)) + "-" + std::to_string(counter++));
        std::filesystem::create_directories(root_ / "www");
    }
    ~site_fixture() {
        res_.reset();  // close files being "sent" before removing them (Windows)
        std::error_code ec;
        std::filesystem::remove_all(root_, ec);
    }
    site_fixture(const site_fixture&) = delete;
    site_fixture& operator=(const site_fixture&) = delete;

    // Writes a file under the served folder ("www") or, with a leading "../", beside it.
    void write(const std::string& relative, const std::string& content) {
        // The names are UTF-8; a plain std::string path would mean the ANSI code page on Windows.
        const auto p = root_ / "www" / std::filesystem::path(std::u8string(relative.begin(), relative.end()));
        std::filesystem::create_directories(p.parent_path());
        std::ofstream(p, std::ios::binary) << content;
    }
    std::filesystem::path www() const { return root_ / "www"; }

    // Sends `head` (a full request head) to a site built from `config`.
    server::response& ask(const std::string& head, server::server_config config = {}) {
        config.root = www();
        std::error_code ec;
        site_ = std::make_unique<server::static_site>(config_ = config, ec);
        REQUIRE_FALSE(ec);
        text_ = head;
        const auto r = http::parse_request(text_, req_);
        REQUIRE(r.status == http::parse_status::complete);
        res_.reset();
        site_->respond(req_, cache_, res_);
        return res_;
    }
    server::file_cache& cache() { return cache_; }

private:
    std::filesystem::path root_;
    server::server_config config_;
    std::unique_ptr<server::static_site> site_;
    std::string text_;
    http::request_head req_;
    server::file_cache cache_{256 * 1024, 64 * 1024 * 1024};
    server::response res_;
};

inline std::string get(const std::string& target, const std::string& extra = "") {
    return "GET " + target + " HTTP/1.1\r\nHost: t\r\n" + extra + "\r\n";
}

inline bool has_header(const server::response& r, const std::string& line) {
    return r.head.find("\r\n" + line + "\r\n") != std::string::npos;
}

}  // namespace netlab::test
