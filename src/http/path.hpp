// Request-target -> safe relative path: the security core of the static file server.
// One cleanup is the standard's own: literal "." and ".." segments are removed as RFC 3986
// §5.2.4 says, so "/sub/../a.txt" is "/a.txt" (as nginx and python's http.server serve it),
// and a path that climbs above the root is refused (nginx answers 400). Beyond that the
// rule is "reject, don't reinterpret": anything else that could name a file outside the
// served root on any OS (encoded dots and separators, backslashes, drive letters, NUL) is
// an error, never something to clean up, because every cleanup rule is a bypass waiting
// to be found.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace netlab::http {

enum class path_error { none, bad_encoding, nul_byte, traversal, above_root, not_origin_form, backslash };

struct normalized_path {
    path_error error = path_error::none;
    std::string path;             // segments joined by '/', no leading slash, "" for the root
    bool trailing_slash = false;  // the original path ended in '/'
    std::vector<std::string> segments;  // decoded, never empty, ".", ".." or containing '/'
    bool has_dot_segment_hidden = false;  // some segment starts with '.', a dotfile
};

// Normalises an origin-form request-target (RFC 9112 §3.2.1) into path segments.
// Query and fragment are stripped; %XX is decoded once (RFC 3986 §2.1); empty segments
// are dropped ("//" collapses, as nginx's merge_slashes); then dot-segments are removed
// (RFC 3986 §5.2.4): "." and "%2e" go, a literal ".." takes the segment before it away,
// and a trailing "." or ".." leaves a trailing slash ("/a/b/.." is "/a/"). Every segment
// is checked, including one a later ".." removes. Errors:
//  not_origin_form  target does not start with '/' ("*", "http://…", "host:port")
//  bad_encoding     bad %XX, decoded bytes not valid UTF-8, or a decoded control character
//                   (they can only inject into logs and Location headers)
//  nul_byte         %00: C APIs would truncate the name there
//  backslash        '\' raw or %5C: a separator on Windows
//  above_root       a ".." with nothing left to remove: "/../x", "/a/../../x"
//  traversal        an encoded dot-dot ("%2e%2e", ".%2e": rejected, never resolved), %2F
//                   (a separator smuggled past the split), ':' (a drive "C:" or NTFS stream
//                   "f::$DATA" on Windows), or a segment of only dots and spaces with two or
//                   more dots, such as "..." or ".. " (Win32 trims trailing dots and spaces).
// On error only `error` is set.
normalized_path normalize_target(std::string_view target);

// Whether a file name can be served: normalize_target takes it, percent-encoded, as one
// segment with the same bytes (so not with control characters, '/', '\\' or ':', nor
// bytes that are not UTF-8, nor only dots and spaces). A listing shows only these names,
// so every link it shows works.
bool is_servable_name(std::string_view name);

// Encodes every byte except unreserved characters (RFC 3986 §2.3) as %XX, so a file name
// becomes one safe path segment for an href (UTF-8 bytes included; "a:b" stays relative).
std::string percent_encode_path_segment(std::string_view raw);

// Escapes & < > " ' for HTML text and quoted attribute values.
std::string html_escape(std::string_view text);

}  // namespace netlab::http
