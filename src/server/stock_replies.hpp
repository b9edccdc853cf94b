// Every status netlab answers with, its reason phrase and a short canned body: one table
// (asio's reply::stock_reply in the HTTP server example).
#pragma once

#include <string_view>

#include "server/response.hpp"

namespace netlab::server {

std::string_view reason_phrase(int status);

// A small HTML page for an error status ("404 Not Found" and one sentence).
std::string_view stock_body(int status);

// Fills `res` with the canned reply for `status`: head (without its Connection line and
// empty line) and page.
void stock_reply(response& res, int status, bool head_only);

}  // namespace netlab::server
