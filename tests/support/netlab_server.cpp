#include "support/netlab_server.hpp"

#include <cstdio>
#include <iostream>
#include <sstream>
#include <stdexcept>

namespace netlab::test {
namespace {

// A line of netlab's stdout as JSON. In --json mode every line is one object: a line that
// is not is shown (control bytes as \xHH) where the failing test's output will have it.
nlohmann::json parse_event_line(const std::string& line) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded()) {
        std::string shown;
        for (const char ch : line) {
            const auto c = static_cast<unsigned char>(ch);
            if (c >= 0x20 && c < 0x7f) {
                shown += ch;
            } else {
                char hex[8];
                std::snprintf(hex, sizeof hex, "\\x%02x", c);
                shown += hex;
            }
        }
        std::cerr << "netlab_server: a stdout line that is not JSON (" << line.size() << " bytes): \"" << shown << "\"\n";
    }
    return j;
}

}  // namespace

std::string netlab_server::url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port) + path;
}

nlohmann::json netlab_server::next_event(std::chrono::milliseconds timeout) {
    const auto line = process.read_line(timeout);
    if (!line) return nullptr;
    seen.push_back(parse_event_line(*line));
    return seen.back();
}

std::vector<nlohmann::json> netlab_server::remaining_events() {
    std::vector<nlohmann::json> out;
    while (const auto line = process.read_line(1s)) {
        out.push_back(parse_event_line(*line));
        seen.push_back(out.back());
    }
    return out;
}

nlohmann::json netlab_server::wait_for(const std::function<bool(const nlohmann::json&)>& match,
                                       std::chrono::milliseconds timeout) {
    for (const auto& e : seen)
        if (match(e)) return e;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return nullptr;
        auto e = next_event(left);
        if (e.is_null()) return nullptr;
        if (match(e)) return e;
    }
}

nlohmann::json netlab_server::wait_for_connection(const std::string& client, const std::string& state,
                                                  std::chrono::milliseconds timeout) {
    return wait_for(is_connection(client, state), timeout);
}

nlohmann::json netlab_server::wait_for_request(const std::string& target, std::chrono::milliseconds timeout) {
    return wait_for(is_request_for(target), timeout);
}

std::ptrdiff_t netlab_server::position(const std::function<bool(const nlohmann::json&)>& match) const {
    for (std::size_t i = 0; i < seen.size(); ++i)
        if (match(seen[i])) return static_cast<std::ptrdiff_t>(i);
    return -1;
}

std::function<bool(const nlohmann::json&)> is_event(const std::string& kind) {
    return [kind](const nlohmann::json& e) { return e.is_object() && e.value("event", "") == kind; };
}

std::function<bool(const nlohmann::json&)> is_connection(const std::string& client, const std::string& state) {
    return [client, state](const nlohmann::json& e) {
        return e.is_object() && e.value("event", "") == "connection" && e.value("client", "") == client &&
               e.value("state", "") == state;
    };
}

std::function<bool(const nlohmann::json&)> is_request_for(const std::string& target) {
    return [target](const nlohmann::json& e) {
        return e.is_object() && e.value("event", "") == "request" && e.value("target", "") == target;
    };
}

nlohmann::json find_event(const std::vector<nlohmann::json>& events, const std::string& kind) {
    for (const auto& e : events)
        if (e.is_object() && e.value("event", "") == kind) return e;
    return nullptr;
}

std::vector<nlohmann::json> events_of(const std::vector<nlohmann::json>& events, const std::string& kind) {
    std::vector<nlohmann::json> out;
    for (const auto& e : events)
        if (e.is_object() && e.value("event", "") == kind) out.push_back(e);
    return out;
}

std::vector<nlohmann::json> json_lines(const std::string& out) {
    std::vector<nlohmann::json> events;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) events.push_back(nlohmann::json::parse(line, nullptr, false));
    return events;
}

netlab_server start_json_listener(const std::vector<std::string>& argv, const std::string& what) {
    netlab_server s;
    s.process = child::start(argv);
    const auto line = s.process.read_line(20s);
    if (!line) {
        s.process.wait(2s);
        throw std::runtime_error(what + " did not report listening; stderr: " + s.process.stderr_text());
    }
    s.listening = nlohmann::json::parse(*line, nullptr, false);
    if (!s.listening.is_object() || s.listening.value("event", "") != "listening")
        throw std::runtime_error("unexpected first line from " + what + ": " + *line);
    s.port = s.listening.at("port").get<unsigned short>();
    return s;
}

netlab_server start_server(const std::string& root, const std::vector<std::string>& extra_args,
                           const std::vector<std::string>& wrapper) {
    auto argv = wrapper;
    for (auto& a : netlab_command()) argv.push_back(std::move(a));
    for (const char* a : {"--json", "serve-http", "--port", "0", "--bind", "127.0.0.1"}) argv.emplace_back(a);
    argv.push_back(root);
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    return start_json_listener(argv, "serve-http");
}

std::string lf_lines(std::string text) {
    std::size_t out = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const bool crlf = text[i] == '\r' && (i + 1 == text.size() || text[i + 1] == '\n');
        if (!crlf) text[out++] = text[i];
    }
    text.resize(out);
    return text;
}

netlab_server start_human_server(const std::string& root, const std::vector<std::string>& extra_args) {
    auto argv = netlab_command();
    for (const char* a : {"serve-http", "--port", "0", "--bind", "127.0.0.1"}) argv.emplace_back(a);
    argv.push_back(root);
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    netlab_server s;
    s.process = child::start(argv);
    // "Serving DIR on:", the URLs (https:// with --tls-*), then "Press Ctrl-C to stop."
    // ends the banner.
    while (auto line = s.process.read_line(20s)) {
        *line = lf_lines(*line);
        s.banner += *line + "\n";
        for (const std::string url_prefix : {"  http://127.0.0.1:", "  https://127.0.0.1:"})
            if (line->rfind(url_prefix, 0) == 0)
                s.port = static_cast<unsigned short>(std::stoi(line->substr(url_prefix.size())));
        if (line->rfind("Press Ctrl-C", 0) == 0) break;
    }
    if (s.port == 0) {
        s.process.wait(2s);
        throw std::runtime_error("serve-http did not print where it listens; stdout: " + s.banner +
                                 " stderr: " + s.process.stderr_text());
    }
    return s;
}

}  // namespace netlab::test
