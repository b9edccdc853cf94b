// Starts `netlab serve-http --json --port 0 ...` (or any netlab listener: udp-listen)
// and reads the port from its own "listening" event: never a guessed or fixed port.
#pragma once

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
};

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
netlab_server start_server(const std::string& root, const std::vector<std::string>& extra_args = {});

// The same without --json: what a person sees. The port comes from the printed URL.
netlab_server start_human_server(const std::string& root, const std::vector<std::string>& extra_args = {});

// Human output as a test compares it: Windows' text-mode stdout ends lines with "\r\n".
std::string lf_lines(std::string text);

}  // namespace netlab::test
