#include "cli/json.hpp"

#include <cmath>
#include <fmt/format.h>

#include "cli/text.hpp"

namespace netlab::cli {

void append_json_string(std::string& out, std::string_view text) {
    out += '"';
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            switch (c) {
                case '"': out += "\\\""; break;
                case '\\': out += "\\\\"; break;
                case '\n': out += "\\n"; break;
                case '\r': out += "\\r"; break;
                case '\t': out += "\\t"; break;
                default:
                    if (c < 0x20 || c == 0x7F) out += fmt::format("\\u{:04x}", c);
                    else out += static_cast<char>(c);
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

void json_object::key(std::string_view k) {
    if (body_.size() > 1) body_ += ',';
    append_json_string(body_, k);
    body_ += ':';
}

json_object& json_object::add(std::string_view k, std::string_view value) {
    key(k);
    append_json_string(body_, value);
    return *this;
}

json_object& json_object::add(std::string_view k, bool value) {
    key(k);
    body_ += value ? "true" : "false";
    return *this;
}

json_object& json_object::add(std::string_view k, std::int64_t value) {
    key(k);
    body_ += fmt::format("{}", value);
    return *this;
}

json_object& json_object::add(std::string_view k, std::uint64_t value) {
    key(k);
    body_ += fmt::format("{}", value);
    return *this;
}

json_object& json_object::add(std::string_view k, double value) {
    key(k);
    // JSON has no NaN or infinity.
    if (std::isfinite(value)) body_ += fmt::format("{}", value);
    else body_ += "null";
    return *this;
}

json_object& json_object::add_null(std::string_view k) {
    key(k);
    body_ += "null";
    return *this;
}

json_object& json_object::add_raw(std::string_view k, std::string_view json) {
    key(k);
    body_ += json;
    return *this;
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
