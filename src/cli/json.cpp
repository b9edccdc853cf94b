#include "cli/json.hpp"

#include <cmath>
#include <iterator>
#include <fmt/format.h>

#include "cli/text.hpp"

namespace netlab::cli {

void append_json_string(std::string& out, std::string_view text) {
    out += '"';
    for (std::size_t i = 0; i < text.size();) {
        // Runs of bytes that need no escape go in at once: most text is one such run.
        std::size_t plain = i;
        while (plain < text.size()) {
            const auto c = static_cast<unsigned char>(text[plain]);
            if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\') break;
            ++plain;
        }
        out.append(text.substr(i, plain - i));
        i = plain;
        if (i == text.size()) break;
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            switch (c) {
                case '"': out += "\\\""; break;
                case '\\': out += "\\\\"; break;
                case '\n': out += "\\n"; break;
                case '\r': out += "\\r"; break;
                case '\t': out += "\\t"; break;
                default: fmt::format_to(std::back_inserter(out), "\\u{:04x}", c);
            }
            ++i;
            continue;
        }
        if (const std::size_t n = utf8_sequence(text, i)) {
            out.append(text.substr(i, n));
            i += n;
        } else {
            out += "\\ufffd";
            ++i;
        }
    }
    out += '"';
}

// The text is always a whole object: a field goes in before the closing brace.
void json_object::key(std::string_view k) {
    body_.pop_back();
    if (body_.size() > 1) body_ += ',';
    append_json_string(body_, k);
    body_ += ':';
}

json_object& json_object::closed() {
    body_ += '}';
    return *this;
}

json_object& json_object::add(std::string_view k, std::string_view value) {
    key(k);
    append_json_string(body_, value);
    return closed();
}

json_object& json_object::add(std::string_view k, bool value) {
    key(k);
    body_ += value ? "true" : "false";
    return closed();
}

json_object& json_object::add(std::string_view k, std::int64_t value) {
    key(k);
    fmt::format_to(std::back_inserter(body_), "{}", value);
    return closed();
}

json_object& json_object::add(std::string_view k, std::uint64_t value) {
    key(k);
    fmt::format_to(std::back_inserter(body_), "{}", value);
    return closed();
}

json_object& json_object::add(std::string_view k, double value) {
    key(k);
    // JSON has no NaN or infinity.
    if (std::isfinite(value)) fmt::format_to(std::back_inserter(body_), "{}", value);
    else body_ += "null";
    return closed();
}

json_object& json_object::add_null(std::string_view k) {
    key(k);
    body_ += "null";
    return closed();
}

json_object& json_object::add_raw(std::string_view k, std::string_view json) {
    key(k);
    body_ += json;
    return closed();
}

std::string json_string_array(const std::string* first, const std::string* last) {
    std::string out = "[";
    for (auto it = first; it != last; ++it) {
        if (it != first) out += ',';
        append_json_string(out, *it);
    }
    return out + "]";
}

}  // namespace netlab::cli
