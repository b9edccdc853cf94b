// One response as the connection will send it: a head, then a body from memory or from
// a file range. Reused from request to request on a connection, so its strings keep
// their capacity and the hot path does not allocate.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "netlab/platform/file.hpp"

namespace netlab::server {

struct response {
    int status = 200;
    std::string head;                          // complete, ends with the empty line
    std::string_view body;                     // memory body: into `owned_body` or a cache entry
    std::string owned_body;                    // generated bodies (listing, error page, echo)
    std::shared_ptr<const void> body_keeper;   // keeps a cached body alive while it is sent
    std::shared_ptr<platform::read_only_file> file;  // file body (zero-copy), used when set
    std::uint64_t file_offset = 0;
    std::uint64_t file_length = 0;
    bool head_only = false;                    // HEAD: headers say the length, no body follows
    bool close = false;                        // close the connection afterwards
    std::string error;                         // for the access log: why it is an error (the OS's words)
    std::uint64_t listing_shown = 0;           // a listing cut at its limit: entries shown,
    std::uint64_t listing_entries = 0;         // and entries in the folder (0 when not cut)

    void reset() {
        status = 200;
        head.clear();
        body = {};
        owned_body.clear();
        body_keeper.reset();
        file.reset();
        file_offset = file_length = 0;
        head_only = false;
        close = false;
        error.clear();
        listing_shown = listing_entries = 0;
    }
    std::uint64_t body_size() const { return file ? file_length : body.size(); }
};

// Builds response heads: status line, Server and Date, then the caller's fields.
class head_builder {
public:
    head_builder(std::string& out, int status);
    head_builder& field(std::string_view name, std::string_view value);
    head_builder& field(std::string_view name, std::uint64_t value);
    head_builder& raw(std::string_view lines);  // pre-rendered "Name: value\r\n" lines

private:
    std::string& out_;
};

// Ends a head: Connection as the protocol version needs it, then the empty line.
void finish_head(std::string& head, bool close, bool http10_keep_alive);

// "Date: ..." value for now, rendered at most once a second per thread.
std::string_view current_http_date();

}  // namespace netlab::server
