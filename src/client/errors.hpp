// How a `get` ends, as curl's exit codes (and netlab's 130 for a stop signal): one table
// with the code, a stable name (the JSON "error" field) and the words shown when no more
// specific message is known.
// Library functions return a get_error with a message; the command turns it into one
// line on stderr and the exit code, at the edge (DESIGN habit 5).
#pragma once

#include <span>
#include <string_view>

namespace netlab::client {

enum class get_error {
    ok,
    unsupported_protocol,
    malformed_url,
    cannot_resolve,
    cannot_connect,
    tls_handshake,
    partial_file,
    http_error,
    write_error,
    timed_out,
    too_many_redirects,
    empty_reply,
    send_error,
    recv_error,
    peer_certificate,
    filesize_exceeded,
    ca_file,
    client_certificate,
    interrupted,
};

struct get_error_info {
    get_error error;
    int exit_code;            // curl's number for the same failure
    std::string_view name;    // snake_case, stable
    std::string_view message; // default one-line text
};

// Every error kind, in exit-code order; docs/get.md lists the same table.
std::span<const get_error_info> get_error_table();

const get_error_info& info(get_error e);
inline int exit_code_of(get_error e) { return info(e).exit_code; }

}  // namespace netlab::client
