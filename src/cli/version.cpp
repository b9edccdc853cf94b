#include "cli/version.hpp"

#include <CLI/Version.hpp>
#include <asio/version.hpp>
#include <fmt/format.h>

#include "cli/version_number.hpp"
#include "netlab/platform/process.hpp"
#include "tls/tls.hpp"

namespace netlab::cli {
namespace {

std::string asio_version() {
    return fmt::format("{}.{}.{}", ASIO_VERSION / 100000, ASIO_VERSION / 100 % 1000, ASIO_VERSION % 100);
}

std::string fmt_version() {
    return fmt::format("{}.{}.{}", FMT_VERSION / 10000, FMT_VERSION / 100 % 100, FMT_VERSION % 100);
}

}  // namespace

std::string version_text() {
    const std::string tls = tls::available() ? tls::library_version() : "no TLS (built without OpenSSL)";
    return fmt::format("netlab {} ({}, {})\nasio {}, CLI11 {}, fmt {}, {}", NETLAB_VERSION, platform::os_name(),
                       platform::io_backend(), asio_version(), CLI11_VERSION, fmt_version(), tls);
}

json_object version_json() {
    json_object o;
    o.add("event", "version")
        .add("version", NETLAB_VERSION)
        .add("os", platform::os_name())
        .add("io_backend", platform::io_backend())
        .add("asio", asio_version())
        .add("cli11", CLI11_VERSION)
        .add("fmt", fmt_version());
    // null in a build without TLS, so a script can tell.
    if (tls::available()) o.add("tls", tls::library_version());
    else o.add_null("tls");
    return o;
}

}  // namespace netlab::cli
