// Starts `netlab serve-http --json --port 0 ...` (or any netlab listener: udp-listen)
// and reads the port from its own "listening" event: never a guessed or fixed port.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace netlab::test {

struct netlab_server {
    child process;
    unsigned short port = 0;
    nlohmann::json listening;  // the whole "listening" event (null for a human-mode server)
    std::string banner;        // human mode: the lines before the access log
    std::string url(const std::string& path = "/") const;
    // Next JSON line printed by the server (access log, dump, ...), or null on timeout.
    nlohmann::json next_event(std::chrono::milliseconds timeout = 5s);
    // Every JSON event left on stdout, once the server has exited.
    std::vector<nlohmann::json> remaining_events();

    // Every event read so far (by any of these calls), in the order printed: what a test
    // checks the server's order of things against.
    std::vector<nlohmann::json> seen;
    // The first event, among those read so far or those that come before the deadline,
    // for which `match` is true; null at the deadline. Events read meanwhile stay in `seen`.
    nlohmann::json wait_for(const std::function<bool(const nlohmann::json&)>& match, std::chrono::milliseconds timeout = 20s);
    // serve-http -v: the `connection` event of this state ("open" or "closed") for this
    // client ("127.0.0.1:PORT"), or null at the deadline.
    nlohmann::json wait_for_connection(const std::string& client, const std::string& state,
                                       std::chrono::milliseconds timeout = 20s);
    // The first `request` event for this target, or null at the deadline.
    nlohmann::json wait_for_request(const std::string& target, std::chrono::milliseconds timeout = 20s);
    // Where in `seen` the first event that matches is; -1 if none.
    std::ptrdiff_t position(const std::function<bool(const nlohmann::json&)>& match) const;
};

// Predicates for wait_for and position.
std::function<bool(const nlohmann::json&)> is_event(const std::string& kind);
std::function<bool(const nlohmann::json&)> is_connection(const std::string& client, const std::string& state);
std::function<bool(const nlohmann::json&)> is_request_for(const std::string& target);

// The first event of this kind, or null.
nlohmann::json find_event(const std::vector<nlohmann::json>& events, const std::string& kind);

// Every event of this kind, in order.
std::vector<nlohmann::json> events_of(const std::vector<nlohmann::json>& events, const std::string& kind);

// The JSON lines of a finished run's output.
std::vector<nlohmann::json> json_lines(const std::string& out);

// Starts `argv` (a netlab command line with --json) and waits for its "listening" event;
// `what` names it in the failure.
netlab_server start_json_listener(const std::vector<std::string>& argv, const std::string& what);

// Throws (failing the test with its message) if the server does not report listening
// within the deadline.
// `wrapper`: a program that runs netlab (e.g. {"prlimit", "--nofile=32:32", "--"}).
netlab_server start_server(const std::string& root, const std::vector<std::string>& extra_args = {},
                           const std::vector<std::string>& wrapper = {});

// The same without --json: what a person sees. The port comes from the printed URL.
netlab_server start_human_server(const std::string& root, const std::vector<std::string>& extra_args = {});

// Human output as a test compares it: Windows' text-mode stdout ends lines with "\r\n".
std::string lf_lines(std::string text);

}  // namespace netlab::test
