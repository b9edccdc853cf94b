#include "server/stock_replies.hpp"

#include <array>

namespace netlab::server {
namespace {

struct stock_reply {
    int status;
    std::string_view reason;
    std::string_view body;
};

#define NETLAB_PAGE(code, title, text) \
    "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" code " " title "</title></head><body><h1>" code " " title "</h1><p>" text "</p></body></html>\n"

constexpr std::array<stock_reply, 24> table{{
    {100, "Continue", ""},
    {200, "OK", ""},
    {204, "No Content", ""},
    {206, "Partial Content", ""},
    {301, "Moved Permanently", NETLAB_PAGE("301", "Moved Permanently", "The resource has moved.")},
    {304, "Not Modified", ""},
    {400, "Bad Request", NETLAB_PAGE("400", "Bad Request", "The request could not be understood.")},
    {403, "Forbidden", NETLAB_PAGE("403", "Forbidden", "Access to this resource is not allowed.")},
    {404, "Not Found", NETLAB_PAGE("404", "Not Found", "Nothing is served at this path.")},
    {405, "Method Not Allowed", NETLAB_PAGE("405", "Method Not Allowed", "Only GET, HEAD and OPTIONS are allowed here.")},
    {408, "Request Timeout", NETLAB_PAGE("408", "Request Timeout", "The request took too long to arrive.")},
    {411, "Length Required", NETLAB_PAGE("411", "Length Required", "A body needs a Content-Length.")},
    {413, "Content Too Large", NETLAB_PAGE("413", "Content Too Large", "The request body is larger than allowed.")},
    {414, "URI Too Long", NETLAB_PAGE("414", "URI Too Long", "The request target is longer than allowed.")},
    {416, "Range Not Satisfiable", NETLAB_PAGE("416", "Range Not Satisfiable", "The requested range lies outside the file.")},
    {417, "Expectation Failed", NETLAB_PAGE("417", "Expectation Failed", "The expectation cannot be met.")},
    {431, "Request Header Fields Too Large", NETLAB_PAGE("431", "Request Header Fields Too Large", "The request head is larger than allowed.")},
    {500, "Internal Server Error", NETLAB_PAGE("500", "Internal Server Error", "The server failed to answer.")},
    {501, "Not Implemented", NETLAB_PAGE("501", "Not Implemented", "The server does not support this.")},
    {503, "Service Unavailable", NETLAB_PAGE("503", "Service Unavailable", "Too many connections; try again shortly.")},
    {505, "HTTP Version Not Supported", NETLAB_PAGE("505", "HTTP Version Not Supported", "Only HTTP/1.0 and HTTP/1.1 are supported.")},
    {302, "Found", ""},
    {307, "Temporary Redirect", ""},
    {308, "Permanent Redirect", ""},
}};

#undef NETLAB_PAGE

const stock_reply* find(int status) {
    for (const auto& r : table)
        if (r.status == status) return &r;
    return nullptr;
}

}  // namespace

std::string_view reason_phrase(int status) {
    const auto* r = find(status);
    return r ? r->reason : "Unknown";
}

std::string_view stock_body(int status) {
    const auto* r = find(status);
    return r ? r->body : std::string_view{};
}

void stock_reply(response& res, int status, bool head_only) {
    res.status = status;
    res.body = stock_body(status);
    head_builder h(res.head, status);
    if (status == 405) h.field("Allow", "GET, HEAD, OPTIONS");
    h.field("Content-Type", "text/html; charset=utf-8").field("Content-Length", static_cast<std::uint64_t>(res.body.size()));
    res.head_only = head_only;
}

}  // namespace netlab::server
