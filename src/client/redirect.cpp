#include "client/redirect.hpp"

namespace netlab::client {

bool is_followed_redirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

std::optional<redirect_step> next_after_redirect(int status, std::string_view method) {
    switch (status) {
        case 301:
        case 302:
            if (method == "POST") return redirect_step{"GET", false};
            return redirect_step{std::string(method), true};
        case 303:
            if (method == "HEAD") return redirect_step{"HEAD", false};
            return redirect_step{"GET", false};
        case 307:
        case 308:
            return redirect_step{std::string(method), true};
        default:
            return std::nullopt;
    }
}

}  // namespace netlab::client
