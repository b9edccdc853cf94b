#include "support/peers.hpp"

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "support/scripted_server.hpp"

namespace netlab::test {

std::string http_peer::url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port) + path;
}

bool wait_for_port(unsigned short port, std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    asio::io_context ctx;
    while (std::chrono::steady_clock::now() < until) {
        asio::ip::tcp::socket s(ctx);
        std::error_code ec;
        s.connect({asio::ip::address_v4::loopback(), port}, ec);
        if (!ec) return true;
        std::this_thread::sleep_for(20ms);
    }
    return false;
}

std::optional<http_peer> start_python_http(const std::string& root) {
    if (!have_program("python3")) return std::nullopt;
    // Binding port 0 in the script and printing what was bound is the only reliable way
    // to learn the port: http.server's own banner is buffered and not meant for parsing.
    static const char* program =
        "import functools, http.server, sys\n"
        "h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])\n"
        "s = http.server.ThreadingHTTPServer(('127.0.0.1', 0), h)\n"
        "print(s.server_address[1], flush=True)\n"
        "s.serve_forever()\n";
    http_peer p;
    p.process = child::start({"python3", "-c", program, root});
    const auto line = p.process.read_line(10s);
    if (!line) throw std::runtime_error("python3 http.server did not report its port: " + p.process.stderr_text());
    p.port = static_cast<unsigned short>(std::stoi(*line));
    return p;
}

std::optional<http_peer> start_nginx(const std::string& root, const std::string& work,
                                     const std::string& extra_locations) {
    std::string nginx = "/usr/sbin/nginx";
    if (!std::ifstream(nginx)) {
        if (!have_program("nginx")) return std::nullopt;
        nginx = "nginx";
    }
    for (int attempt = 0; attempt < 5; ++attempt) {
        // A free port: bound and closed just now; if nginx loses the race it exits and
        // the next attempt takes another port.
        const unsigned short port = unused_port();
        const std::string conf = work + "/nginx.conf";
        std::ofstream(conf) << "daemon off;\nmaster_process off;\nworker_processes 1;\n"
                            << "pid " << work << "/nginx.pid;\nerror_log " << work << "/error.log;\n"
                            << "events { worker_connections 64; }\n"
                            << "http {\n  access_log off;\n"
                            << "  client_body_temp_path " << work << "/body;\n  proxy_temp_path " << work << "/proxy;\n"
                            << "  fastcgi_temp_path " << work << "/fastcgi;\n  uwsgi_temp_path " << work << "/uwsgi;\n"
                            << "  scgi_temp_path " << work << "/scgi;\n"
                            << "  server {\n    listen 127.0.0.1:" << port << ";\n    listen [::1]:" << port << ";\n"
                            << "    root " << root << ";\n" << extra_locations << "\n  }\n}\n";
        http_peer p;
        p.process = child::start({nginx, "-e", work + "/error.log", "-p", work, "-c", conf});
        p.port = port;
        if (wait_for_port(port, 3s)) return p;
    }
    throw std::runtime_error("nginx did not start (see its error.log)");
}

http_peer require_python_http(const std::string& root) {
    auto p = start_python_http(root);
    if (!p) throw std::runtime_error("python3 is not installed (scripts/test installs it)");
    return std::move(*p);
}

http_peer require_nginx(const std::string& root, const std::string& work, const std::string& extra_locations) {
    auto p = start_nginx(root, work, extra_locations);
    if (!p) throw std::runtime_error("nginx is not installed (scripts/test installs it)");
    return std::move(*p);
}

}  // namespace netlab::test
