// Helpers for serve-http end-to-end tests: responses parsed from raw bytes, curl and
// python3 run as peers with deadlines, file hashes from sha256sum.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/process.hpp"

namespace netlab::test {

struct http_response {
    int status = 0;  // 0 when nothing parseable arrived
    std::string status_line;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    // Value of the first header with this name (case-insensitive), "" if absent.
    std::string header(std::string_view name) const;
    bool has_header(std::string_view name) const;
    std::size_t header_count(std::string_view name) const;
};

// The first response in `raw`: status line, headers, and everything after the blank line
// as the body (callers that read with raw_connection::read_response get exactly one).
http_response parse_response(std::string_view raw);

// Like parse_response, but skips interim 1xx heads (curl -i shows "100 Continue" first).
http_response parse_final_response(std::string_view raw);

struct curl_result {
    run_result run;          // curl's exit code and stderr
    http_response response;  // the final response; body empty with -I or ARGS' own -o
};

// Runs `curl -sS --max-time 10 ARGS...` (no proxy) and parses the head it saw (-D) and
// the body it wrote (-o).
curl_result curl(const std::vector<std::string>& args, std::chrono::milliseconds timeout = 20s);

// Runs `python3 -c SCRIPT ARGS...` with a deadline.
run_result python(const std::string& script, const std::vector<std::string>& args = {},
                  std::chrono::milliseconds timeout = 30s);

// sha256sum's hex digest of a file ("" if sha256sum failed).
std::string sha256_file(const std::string& path);

// Deterministic pseudo-random bytes (different seeds give different content).
std::string random_bytes(std::size_t n, std::uint64_t seed);

std::string read_file(const std::string& path);

// "HTTP-date" (RFC 9110 §5.6.7) for a time `offset` away from now.
std::string http_date_from_now(std::chrono::seconds offset);

// A GET request head for raw-socket tests, with optional extra header lines.
inline std::string get(const std::string& target, const std::string& extra = {}) {
    return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + "\r\n";
}

}  // namespace netlab::test
