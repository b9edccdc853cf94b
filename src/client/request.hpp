// The request head `get` sends (RFC 9112 §3, RFC 9110 §7.2, §10.1.5, RFC 7617), built
// from the URL and the command-line choices. Pure: a unit test checks the exact bytes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/url.hpp"

namespace netlab::client {

// One -H argument, as curl reads it: "Name: value" sets (replacing a default header of
// that name), "Name:" removes a default header, "Name;" sends the header with an empty
// value.
struct user_header {
    enum class action { set, remove, send_empty };
    std::string name;
    std::string value;
    action what = action::set;
};

// Parses -H; nullopt with `why` set when the name is not a token (RFC 9110 §5.1) or the
// value holds CR, LF or NUL (they would inject lines into the request).
std::optional<user_header> parse_user_header(std::string_view text, std::string& why);

// Removes the -H headers that belong to the original server only (Authorization,
// Cookie, Host, Proxy-Authorization), before following a redirect to another one.
void drop_origin_bound_headers(std::vector<user_header>& headers);

// A method is a token (RFC 9110 §9.1): "GET", "PROPFIND"; never "GET /x".
bool valid_method(std::string_view method);

struct request_spec {
    std::string method = "GET";
    std::vector<user_header> headers;
    std::string user_agent;           // empty: no User-Agent header
    std::optional<std::string> body;  // sent with Content-Length
    // Adds "Content-Type: application/x-www-form-urlencoded" to a body unless a
    // Content-Type was given (curl's -d).
    bool form_content_type = true;
    // Sends the URL's userinfo as Basic credentials. Off after a redirect to another
    // host, so a password never leaks to a server it was not meant for.
    bool send_credentials = true;
};

// The whole head, ending in the empty line. The target is the URL's, percent-encoding
// kept as given.
std::string build_request_head(const http::url& target, const request_spec& spec);

// "Basic dXNlcjpwYXNz" from raw userinfo "user:pass" (percent-escapes decoded first);
// nullopt when an escape is broken.
std::optional<std::string> basic_credentials(std::string_view userinfo);

}  // namespace netlab::client
