// Everything serve-http can be told, with the defaults a person gets without options.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace netlab::tls {
class server_context;
}

namespace netlab::server {

struct server_config {
    std::filesystem::path root = ".";
    std::string bind_address;  // empty: every interface, dual-stack where IPv6 exists
    std::uint16_t port = 8080;
    unsigned threads = 1;
    bool echo = false;             // answer every request with the request itself
    bool dump = false;             // report each request head as received
    bool access_log = true;        // report one line per request
    bool listing = true;           // HTML listing for folders without index.html
    bool hidden = false;           // serve and list dotfiles
    bool follow_symlinks = false;  // serve symlinks that lead outside root
    bool cors = false;             // Access-Control-Allow-Origin: * and preflight answers
    std::chrono::milliseconds header_timeout{10'000};  // first byte to end of head
    std::chrono::milliseconds idle_timeout{60'000};    // between requests, and per send/receive
    std::chrono::milliseconds shutdown_grace{5'000};   // in-flight responses after Ctrl-C
    std::size_t max_connections = 10'000;
    // HTTPS on the port (--tls-cert/--tls-key or --tls-self-signed); plain HTTP when null.
    std::shared_ptr<tls::server_context> tls;

    // Limits: every buffer has one.
    std::size_t max_head_bytes = 16 * 1024;              // 431 beyond
    std::size_t max_target_bytes = 8 * 1024;             // 414 beyond
    std::uint64_t max_discarded_body = 64 * 1024 * 1024; // request bodies read and dropped; 413 beyond
    std::uint64_t max_echo_body = 1024 * 1024;           // request bodies echoed back; 413 beyond
    std::uint64_t max_dump_body = 4 * 1024;              // request body bytes reported by --dump
    std::uint64_t cache_file_limit = 256 * 1024;         // files up to this size are kept in memory
    std::uint64_t cache_total_limit = 64 * 1024 * 1024;  // per thread
};

}  // namespace netlab::server
