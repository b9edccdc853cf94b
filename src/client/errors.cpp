#include "client/errors.hpp"

#include <array>

namespace netlab::client {
namespace {

// curl's numbers (curl/include/curl/curl.h, CURLcode), so scripts written for curl work;
// a stop signal ends with netlab's common 130 (128 + SIGINT, as shells report it).
// In exit-code order: get's help lists the codes from here.
constexpr std::array<get_error_info, 19> table{{
    {get_error::ok, 0, "ok", "success"},
    {get_error::unsupported_protocol, 1, "unsupported_protocol", "unsupported protocol (http:// and https:// only; https:// needs a build with TLS)"},
    {get_error::malformed_url, 3, "malformed_url", "URL malformed"},
    {get_error::cannot_resolve, 6, "cannot_resolve", "could not resolve host"},
    {get_error::cannot_connect, 7, "cannot_connect", "failed to connect"},
    {get_error::partial_file, 18, "partial_file", "transfer closed with data remaining to read"},
    {get_error::http_error, 22, "http_error", "HTTP status 400 or above (with --fail)"},
    {get_error::write_error, 23, "write_error", "failure writing output"},
    {get_error::timed_out, 28, "timed_out", "operation timed out"},
    {get_error::tls_handshake, 35, "tls_handshake", "TLS handshake failed"},
    {get_error::too_many_redirects, 47, "too_many_redirects", "too many redirects"},
    {get_error::empty_reply, 52, "empty_reply", "empty reply from server"},
    {get_error::send_error, 55, "send_error", "failure sending network data"},
    {get_error::recv_error, 56, "recv_error", "failure receiving data"},
    {get_error::client_certificate, 58, "client_certificate", "the client certificate (--cert, --key) could not be used"},
    {get_error::peer_certificate, 60, "peer_certificate", "the server's certificate could not be authenticated"},
    {get_error::filesize_exceeded, 63, "filesize_exceeded", "maximum file size exceeded (--max-filesize)"},
    {get_error::ca_file, 77, "ca_file", "the CA certificates (--cacert, --capath) could not be read"},
    {get_error::interrupted, 130, "interrupted", "interrupted by a signal (Ctrl-C)"},
}};

}  // namespace

std::span<const get_error_info> get_error_table() { return table; }

const get_error_info& info(get_error e) {
    for (const auto& row : table)
        if (row.error == e) return row;
    return table.back();
}

}  // namespace netlab::client
