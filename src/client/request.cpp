#include "client/request.hpp"

#include "http/grammar.hpp"
#include "http/message.hpp"

namespace netlab::client {
namespace {

using http::grammar::is_tchar;

bool is_token(std::string_view s) {
    if (s.empty()) return false;
    for (const char c : s)
        if (!is_tchar(c)) return false;
    return true;
}

constexpr auto trim = http::grammar::trim_ows;

const user_header* find_user(const request_spec& spec, std::string_view name) {
    for (const auto& h : spec.headers)
        if (http::iequals(h.name, name)) return &h;
    return nullptr;
}

void add_line(std::string& out, std::string_view name, std::string_view value) {
    out.append(name);
    out.append(": ");
    out.append(value);
    out.append("\r\n");
}

// A default header unless the user replaced or removed it.
void add_default(std::string& out, const request_spec& spec, std::string_view name, std::string_view value) {
    const auto* user = find_user(spec, name);
    if (user == nullptr) add_line(out, name, value);
    // else: the user's own header (or its removal) is written with the others.
}

}  // namespace

std::optional<user_header> parse_user_header(std::string_view text, std::string& why) {
    for (const char c : text) {
        if (c == '\r' || c == '\n' || c == '\0') {
            why = "header must not contain CR, LF or NUL";
            return std::nullopt;
        }
    }
    const auto colon = text.find(':');
    const auto semi = text.find(';');
    user_header h;
    if (colon == std::string_view::npos) {
        // "Name;" is curl's way to send an empty value.
        if (semi != std::string_view::npos && trim(text.substr(semi + 1)).empty()) {
            h.name = std::string(trim(text.substr(0, semi)));
            h.what = user_header::action::send_empty;
        } else {
            why = "header '" + std::string(text) + "' has no ':' (expected 'Name: value')";
            return std::nullopt;
        }
    } else {
        h.name = std::string(text.substr(0, colon));
        const auto value = trim(text.substr(colon + 1));
        h.value = std::string(value);
        h.what = value.empty() ? user_header::action::remove : user_header::action::set;
    }
    if (!is_token(h.name)) {
        why = "header name '" + h.name + "' is not a valid token";
        return std::nullopt;
    }
    return h;
}

bool valid_method(std::string_view method) { return is_token(method); }

std::optional<std::string> basic_credentials(std::string_view userinfo) {
    const auto colon = userinfo.find(':');
    const auto user = http::percent_decode(userinfo.substr(0, colon));
    const auto pass = colon == std::string_view::npos ? std::optional<std::string>("")
                                                      : http::percent_decode(userinfo.substr(colon + 1));
    if (!user || !pass) return std::nullopt;
    return "Basic " + http::base64_encode(*user + ":" + *pass);
}

std::string build_request_head(const http::url& target, const request_spec& spec) {
    std::string out;
    out.reserve(256);
    out.append(spec.method);
    out += ' ';
    out.append(target.target.empty() ? std::string_view("/") : std::string_view(target.target));
    out.append(" HTTP/1.1\r\n");

    add_default(out, spec, "Host", target.authority_for_host_header());
    if (!spec.user_agent.empty()) add_default(out, spec, "User-Agent", spec.user_agent);
    add_default(out, spec, "Accept", "*/*");
    if (spec.send_credentials && !target.userinfo.empty()) {
        if (auto cred = basic_credentials(target.userinfo)) add_default(out, spec, "Authorization", *cred);
    }
    for (const auto& h : spec.headers) {
        switch (h.what) {
            case user_header::action::set: add_line(out, h.name, h.value); break;
            case user_header::action::send_empty:
                out.append(h.name);
                out.append(":\r\n");
                break;
            case user_header::action::remove: break;
        }
    }
    if (spec.body) {
        add_default(out, spec, "Content-Length", std::to_string(spec.body->size()));
        if (spec.form_content_type) add_default(out, spec, "Content-Type", "application/x-www-form-urlencoded");
    }
    out.append("\r\n");
    return out;
}

void drop_origin_bound_headers(std::vector<user_header>& headers) {
    std::erase_if(headers, [](const user_header& h) {
        for (const char* name : {"Authorization", "Cookie", "Host", "Proxy-Authorization"})
            if (http::iequals(h.name, name)) return true;
        return false;
    });
}

}  // namespace netlab::client
