#include "support/http_peers.hpp"

#include <cctype>
#include <ctime>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>

namespace netlab::test {
namespace {

bool iequal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
    return true;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

}  // namespace

std::string http_response::header(std::string_view name) const {
    for (const auto& [n, v] : headers)
        if (iequal(n, name)) return v;
    return {};
}

bool http_response::has_header(std::string_view name) const { return header_count(name) > 0; }

std::size_t http_response::header_count(std::string_view name) const {
    std::size_t count = 0;
    for (const auto& h : headers)
        if (iequal(h.first, name)) ++count;
    return count;
}

http_response parse_response(std::string_view raw) {
    http_response r;
    const auto end = raw.find("\r\n\r\n");
    if (end == std::string_view::npos || raw.substr(0, 5) != "HTTP/") return r;
    const std::string_view head = raw.substr(0, end);
    r.body = std::string(raw.substr(end + 4));
    std::size_t pos = 0;
    bool first = true;
    while (pos <= head.size()) {
        auto nl = head.find("\r\n", pos);
        if (nl == std::string_view::npos) nl = head.size();
        const auto line = head.substr(pos, nl - pos);
        if (first) {
            r.status_line = std::string(line);
            const auto sp = line.find(' ');
            if (sp != std::string_view::npos && line.size() >= sp + 4) {
                const auto code = line.substr(sp + 1, 3);
                bool digits = true;
                for (char c : code) digits = digits && c >= '0' && c <= '9';
                if (digits) r.status = std::stoi(std::string(code));
            }
            first = false;
        } else if (const auto colon = line.find(':'); colon != std::string_view::npos) {
            r.headers.emplace_back(std::string(line.substr(0, colon)), std::string(trim(line.substr(colon + 1))));
        }
        pos = nl + 2;
    }
    return r;
}

http_response parse_final_response(std::string_view raw) {
    for (;;) {
        auto r = parse_response(raw);
        if (r.status < 100 || r.status >= 200) return r;
        raw.remove_prefix(raw.find("\r\n\r\n") + 4);
    }
}

curl_result curl(const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
    // Head and body go to files (-D, -o), so a binary body or a caller's own -o never
    // mixes with the head.
    temp_dir out;
    const std::string head_file = out.path() + "/head", body_file = out.path() + "/body";
    std::vector<std::string> argv{"curl", "-sS", "--max-time", "10", "--noproxy", "*", "-D", head_file};
    bool own_output = false;
    for (const auto& a : args) own_output = own_output || a == "-o" || a == "--output";
    if (!own_output) {
        argv.emplace_back("-o");
        argv.push_back(body_file);
    }
    argv.insert(argv.end(), args.begin(), args.end());
    curl_result c;
    c.run = run(argv, timeout);
    // With -L the head file holds every hop's head (and 1xx heads): the last one counts.
    std::string heads = read_file(head_file);
    if (const auto last = heads.rfind("\r\n\r\nHTTP/"); last != std::string::npos) heads.erase(0, last + 4);
    c.response = parse_final_response(heads);
    // curl -I writes the head where the body would go; a HEAD has no body to keep.
    bool head_request = false;
    for (const auto& a : args) head_request = head_request || a == "-I" || a == "--head";
    if (!own_output && !head_request) c.response.body = read_file(body_file);
    return c;
}

run_result python(const std::string& script, const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
    std::vector<std::string> argv{"python3", "-c", script};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, timeout);
}

std::string sha256_file(const std::string& path) {
    const auto r = run({"sha256sum", path}, 60s);
    if (r.exit_code != 0) return {};
    return r.out.substr(0, r.out.find(' '));
}

std::string random_bytes(std::size_t n, std::uint64_t seed) {
    std::mt19937_64 gen(seed);
    std::string out(n, '\0');
    for (std::size_t i = 0; i < n; i += 8) {
        std::uint64_t v = gen();
        for (std::size_t k = 0; k < 8 && i + k < n; ++k) {
            out[i + k] = static_cast<char>(v & 0xff);
            v >>= 8;
        }
    }
    return out;
}

std::string read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

std::string http_date_from_now(std::chrono::seconds offset) {
    const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + offset);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    const auto n = std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return std::string(buf, n);
}

}  // namespace netlab::test
