#include "tls/tls.hpp"

namespace netlab::tls {

std::optional<version> parse_version(std::string_view text) {
    if (text == "1.2") return version::tls1_2;
    if (text == "1.3") return version::tls1_3;
    return std::nullopt;
}

}  // namespace netlab::tls
