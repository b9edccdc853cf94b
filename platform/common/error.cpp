#include "netlab/platform/error.hpp"

#include "netlab/platform/limits.hpp"

#include <array>
#include <cstring>

namespace netlab::platform {
namespace {

struct kind_words {
    error_kind kind;
    std::string_view name;
    std::string_view message;
};

// One table for the names and the words (DESIGN habit 2).
constexpr std::array<kind_words, 23> table{{
    {error_kind::none, "none", "success"},
    {error_kind::refused, "refused", "connection refused"},
    {error_kind::timed_out, "timed_out", "timed out"},
    {error_kind::host_unreachable, "host_unreachable", "host unreachable"},
    {error_kind::network_unreachable, "network_unreachable", "network unreachable"},
    {error_kind::reset, "reset", "connection reset by peer"},
    {error_kind::aborted, "aborted", "connection aborted"},
    {error_kind::broken_pipe, "broken_pipe", "connection closed by peer while sending"},
    {error_kind::address_in_use, "address_in_use", "address already in use"},
    {error_kind::address_not_available, "address_not_available", "address not available on this host"},
    {error_kind::access_denied, "access_denied", "permission denied"},
    {error_kind::too_many_open_files, "too_many_open_files", "too many open files"},
    {error_kind::not_found, "not_found", "no such file or directory"},
    {error_kind::is_directory, "is_directory", "is a directory"},
    {error_kind::name_not_resolved, "name_not_resolved", "could not resolve host name"},
    {error_kind::name_lookup_failed, "name_lookup_failed", "host name lookup failed"},
    {error_kind::end_of_stream, "end_of_stream", "connection closed by peer"},
    {error_kind::cancelled, "cancelled", "operation cancelled"},
    {error_kind::would_block, "would_block", "operation would block"},
    {error_kind::message_too_long, "message_too_long", "message too long"},
    {error_kind::invalid_argument, "invalid_argument", "invalid argument"},
    {error_kind::no_buffer_space, "no_buffer_space", "no buffer space available"},
    {error_kind::other, "other", "system error"},
}};

const kind_words& lookup(error_kind kind) {
    for (const auto& row : table)
        if (row.kind == kind) return row;
    return table.back();
}

// std::errc values are the same on every OS, so generic_category codes map here once.
error_kind classify_generic(std::errc e) {
    switch (e) {
        case std::errc::connection_refused: return error_kind::refused;
        case std::errc::timed_out: return error_kind::timed_out;
        case std::errc::host_unreachable: return error_kind::host_unreachable;
        case std::errc::network_unreachable:
        case std::errc::network_down: return error_kind::network_unreachable;
        case std::errc::connection_reset: return error_kind::reset;
        case std::errc::connection_aborted: return error_kind::aborted;
        case std::errc::broken_pipe: return error_kind::broken_pipe;
        case std::errc::address_in_use: return error_kind::address_in_use;
        case std::errc::address_not_available: return error_kind::address_not_available;
        case std::errc::permission_denied:
        case std::errc::operation_not_permitted: return error_kind::access_denied;
        case std::errc::too_many_files_open:
        case std::errc::too_many_files_open_in_system: return error_kind::too_many_open_files;
        case std::errc::no_such_file_or_directory: return error_kind::not_found;
        case std::errc::is_a_directory: return error_kind::is_directory;
        case std::errc::operation_canceled: return error_kind::cancelled;
        case std::errc::operation_would_block: return error_kind::would_block;
        case std::errc::message_size: return error_kind::message_too_long;
        case std::errc::invalid_argument: return error_kind::invalid_argument;
        case std::errc::no_buffer_space: return error_kind::no_buffer_space;
        default: return error_kind::other;
    }
}

// asio's own categories are identified by name so that platform/ needs no asio header.
error_kind classify_asio(std::string_view category, int value) {
    // asio's system category carries the same values as the OS's (errno or WSA codes).
    if (category == "asio.system") return detail::classify_system(value);
    if (category == "asio.misc") {
        if (value == 2) return error_kind::end_of_stream;  // asio::error::eof
        if (value == 3) return error_kind::not_found;      // asio::error::not_found
        return error_kind::other;
    }
    if (category == "asio.netdb") {
        // HOST_NOT_FOUND (1) and NO_DATA (4) say the name does not exist; TRY_AGAIN and
        // NO_RECOVERY say the resolver failed.
        return (value == 1 || value == 4) ? error_kind::name_not_resolved
                                          : error_kind::name_lookup_failed;
    }
    if (category == "asio.addrinfo") return error_kind::name_lookup_failed;
    return error_kind::other;
}

}  // namespace

error_kind classify(const std::error_code& ec) {
    if (!ec) return error_kind::none;
    const std::string_view cat = ec.category().name();
    if (cat.substr(0, 5) == "asio.") return classify_asio(cat, ec.value());
    if (ec.category() == std::generic_category()) return classify_generic(static_cast<std::errc>(ec.value()));
    if (ec.category() == std::system_category()) return detail::classify_system(ec.value());
    // Some other category (e.g. std::future): compare against the portable conditions.
    return classify_generic(static_cast<std::errc>(ec.default_error_condition().value()));
}

std::string_view kind_name(error_kind kind) { return lookup(kind).name; }

std::string_view kind_message(error_kind kind) { return lookup(kind).message; }

std::string describe(const std::error_code& ec) {
    const error_kind kind = classify(ec);
    // A resource of this machine ran out, not the network: say which, and what to do.
    if (kind == error_kind::too_many_open_files) {
        if (ec == std::errc::too_many_files_open_in_system)
            return "out of file descriptors (too many open files in the system): close other programs' files";
        return open_file_limit().applicable
                   ? "out of file descriptors (too many open files): raise the limit with `ulimit -n`"
                   : "out of file descriptors (too many open files): close other programs' files and sockets";
    }
    if (kind != error_kind::other) return std::string(kind_message(kind));
    std::string text = ec.message();
    // Windows messages end in ".\r\n"; keep the one-line promise.
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == '.')) text.pop_back();
    if (text.empty()) text = std::string(kind_message(kind));
    return text;
}

}  // namespace netlab::platform
