#include "http/mime_types.hpp"

#include <array>
#include <utility>

#include "http/message.hpp"

namespace netlab::http {
namespace {

constexpr std::string_view default_type = "application/octet-stream";

// Types follow the IANA media type registry; JavaScript is text/javascript (RFC 9239).
// application/json and image/svg+xml take no charset parameter (RFC 8259 §11).
constexpr auto table = std::to_array<std::pair<std::string_view, std::string_view>>({
    // text
    {"html", "text/html; charset=utf-8"},
    {"htm", "text/html; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"txt", "text/plain; charset=utf-8"},
    {"text", "text/plain; charset=utf-8"},
    {"log", "text/plain; charset=utf-8"},
    {"md", "text/markdown; charset=utf-8"},
    {"markdown", "text/markdown; charset=utf-8"},
    {"csv", "text/csv; charset=utf-8"},
    {"tsv", "text/tab-separated-values; charset=utf-8"},
    {"ics", "text/calendar; charset=utf-8"},
    {"vtt", "text/vtt; charset=utf-8"},
    {"xml", "text/xml; charset=utf-8"},
    {"c", "text/plain; charset=utf-8"},
    {"h", "text/plain; charset=utf-8"},
    {"cpp", "text/plain; charset=utf-8"},
    {"hpp", "text/plain; charset=utf-8"},
    {"py", "text/plain; charset=utf-8"},
    {"sh", "text/plain; charset=utf-8"},
    {"toml", "text/plain; charset=utf-8"},
    {"yaml", "text/plain; charset=utf-8"},
    {"yml", "text/plain; charset=utf-8"},
    // application
    {"json", "application/json"},
    {"map", "application/json"},
    {"webmanifest", "application/manifest+json"},
    {"jsonld", "application/ld+json"},
    {"wasm", "application/wasm"},
    {"pdf", "application/pdf"},
    {"rss", "application/rss+xml"},
    {"atom", "application/atom+xml"},
    {"xhtml", "application/xhtml+xml"},
    {"rtf", "application/rtf"},
    {"epub", "application/epub+zip"},
    // archives
    {"zip", "application/zip"},
    {"gz", "application/gzip"},
    {"tgz", "application/gzip"},
    {"bz2", "application/x-bzip2"},
    {"xz", "application/x-xz"},
    {"zst", "application/zstd"},
    {"tar", "application/x-tar"},
    {"7z", "application/x-7z-compressed"},
    {"rar", "application/vnd.rar"},
    // images
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"webp", "image/webp"},
    {"avif", "image/avif"},
    {"svg", "image/svg+xml"},
    {"ico", "image/vnd.microsoft.icon"},
    {"bmp", "image/bmp"},
    {"tif", "image/tiff"},
    {"tiff", "image/tiff"},
    // audio
    {"mp3", "audio/mpeg"},
    {"ogg", "audio/ogg"},
    {"oga", "audio/ogg"},
    {"opus", "audio/ogg"},
    {"wav", "audio/wav"},
    {"flac", "audio/flac"},
    {"m4a", "audio/mp4"},
    {"aac", "audio/aac"},
    // video
    {"mp4", "video/mp4"},
    {"m4v", "video/mp4"},
    {"webm", "video/webm"},
    {"ogv", "video/ogg"},
    {"mov", "video/quicktime"},
    {"mkv", "video/x-matroska"},
    {"avi", "video/x-msvideo"},
    // fonts
    {"woff", "font/woff"},
    {"woff2", "font/woff2"},
    {"ttf", "font/ttf"},
    {"otf", "font/otf"},
    {"eot", "application/vnd.ms-fontobject"},
});

// A table entry listed twice would silently shadow the second; catch it at compile time.
constexpr bool unique_extensions() {
    for (std::size_t i = 0; i < table.size(); ++i)
        for (std::size_t j = i + 1; j < table.size(); ++j)
            if (iequals(table[i].first, table[j].first)) return false;
    return true;
}
static_assert(unique_extensions(), "duplicate extension in the MIME table");

}  // namespace

std::string_view mime_type_for(std::string_view filename) {
    // Only the last path component counts: "a.d/file" has no extension.
    if (const auto slash = filename.find_last_of("/\\"); slash != std::string_view::npos)
        filename.remove_prefix(slash + 1);
    const auto dot = filename.rfind('.');
    if (dot == std::string_view::npos || dot == 0) return default_type;  // none, or a dotfile
    const auto ext = filename.substr(dot + 1);
    for (const auto& [e, type] : table)
        if (iequals(e, ext)) return type;
    return default_type;
}

}  // namespace netlab::http
