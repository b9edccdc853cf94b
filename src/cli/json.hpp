// A small writer for one JSON object per line (--json). Field order is insertion order,
// so every event prints its fields in a stable order. Strings are escaped per RFC 8259;
// bytes that are not valid UTF-8 (a hostile request target, a file name) become U+FFFD,
// so every line stays valid JSON.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace netlab::cli {

class json_object {
public:
    json_object() = default;
    // Room for an object of about this many bytes, so that building it does not reallocate.
    explicit json_object(std::size_t expected_bytes) { body_.reserve(expected_bytes); }

    json_object& add(std::string_view key, std::string_view value);
    json_object& add(std::string_view key, const char* value) { return add(key, std::string_view(value)); }
    json_object& add(std::string_view key, const std::string& value) { return add(key, std::string_view(value)); }
    json_object& add(std::string_view key, bool value);
    json_object& add(std::string_view key, std::int64_t value);
    json_object& add(std::string_view key, std::uint64_t value);
    json_object& add(std::string_view key, int value) { return add(key, static_cast<std::int64_t>(value)); }
    json_object& add(std::string_view key, unsigned value) { return add(key, static_cast<std::uint64_t>(value)); }
    json_object& add(std::string_view key, double value);
    json_object& add_null(std::string_view key);
    // A value that is already JSON (a nested object or array).
    json_object& add_raw(std::string_view key, std::string_view json);

    // "{...}" without a newline.
    std::string str() const { return body_; }
    std::string_view view() const { return body_; }
    bool empty() const { return body_.size() == 2; }

private:
    void key(std::string_view k);
    json_object& closed();
    std::string body_ = "{}";
};

// Appends `text` as a quoted JSON string.
void append_json_string(std::string& out, std::string_view text);

// A JSON array of strings, for add_raw.
std::string json_string_array(const std::string* first, const std::string* last);

}  // namespace netlab::cli
