// Which redirects are followed and with what method (RFC 9110 §15.4). Pure, so every
// rule has a unit test.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace netlab::client {

struct redirect_step {
    std::string method;  // method of the next request
    bool keep_body;      // send the same body again (307/308)
};

// True for the statuses -L follows: 301, 302, 303, 307, 308 (not 300, 304, 305).
bool is_followed_redirect(int status);

// The next request after a redirect response, or nullopt when `status` is not one that
// is followed. 303 makes anything but HEAD a GET without body (§15.4.4). 301 and 302
// turn POST into GET, as browsers and curl do (§15.4.2 and §15.4.3 allow it); other
// methods are kept, with their body. 307 and 308 keep method and body (§15.4.8, §15.4.9).
std::optional<redirect_step> next_after_redirect(int status, std::string_view method);

}  // namespace netlab::client
