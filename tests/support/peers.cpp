#include "support/peers.hpp"

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <stdexcept>
#include <thread>

#include "support/scripted_server.hpp"

namespace netlab::test {

std::string http_peer::url(const std::string& path) const {
    return scheme + "://127.0.0.1:" + std::to_string(port) + path;
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
    const auto line = p.process.read_line(20s);
    if (!line) throw std::runtime_error("python3 http.server did not report its port: " + p.process.stderr_text());
    p.port = static_cast<unsigned short>(std::stoi(*line));
    return p;
}

namespace {

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// nginx in the foreground on a free port; `servers(port)` writes the server blocks.
std::optional<http_peer> start_nginx_with(const std::string& work,
                                          const std::function<std::string(unsigned short)>& servers) {
    std::string nginx = "/usr/sbin/nginx";
    if (!std::ifstream(nginx)) {
        if (!have_program("nginx")) return std::nullopt;
        nginx = "nginx";
    }
    std::string why;
    for (int attempt = 0; attempt < 5; ++attempt) {
        // A free port: bound and released just now; if nginx loses the race it exits
        // ("address already in use") and the next attempt takes another port.
        const unsigned short port = free_port_for_peer();
        const std::string conf = work + "/nginx.conf";
        std::ofstream(conf) << "daemon off;\nmaster_process off;\nworker_processes 1;\n"
                            << "pid " << work << "/nginx.pid;\nerror_log " << work << "/error.log;\n"
                            << "events { worker_connections 64; }\n"
                            << "http {\n  access_log off;\n"
                            << "  client_body_temp_path " << work << "/body;\n  proxy_temp_path " << work << "/proxy;\n"
                            << "  fastcgi_temp_path " << work << "/fastcgi;\n  uwsgi_temp_path " << work << "/uwsgi;\n"
                            << "  scgi_temp_path " << work << "/scgi;\n"
                            << servers(port) << "}\n";
        const std::string pid_file = work + "/nginx.pid";
        std::filesystem::remove(pid_file);
        http_peer p;
        p.process = child::start({nginx, "-e", work + "/error.log", "-p", work, "-c", conf});
        p.port = port;
        // nginx writes its pid file once every listen socket is bound: from then on the
        // port is nginx's, not another program's that took it first.
        const auto until = std::chrono::steady_clock::now() + 20s;
        while (!p.process.exited() && std::chrono::steady_clock::now() < until) {
            if (std::ifstream in(pid_file); in) {
                pid_t written = 0;
                if (in >> written && written == p.process.pid()) return p;
            }
            std::this_thread::sleep_for(10ms);
        }
        p.process.wait(5s);
        why = read_text(work + "/error.log") + p.process.stderr_text();
        if (why.find("Address already in use") == std::string::npos) break;
    }
    throw std::runtime_error("nginx did not start: " + why);
}

}  // namespace

std::optional<http_peer> start_nginx(const std::string& root, const std::string& work,
                                     const std::string& extra_locations) {
    return start_nginx_with(work, [&](unsigned short port) {
        return "  server {\n    listen 127.0.0.1:" + std::to_string(port) + ";\n    listen [::1]:" +
               std::to_string(port) + ";\n    root " + root + ";\n" + extra_locations + "\n  }\n";
    });
}

std::optional<http_peer> start_nginx_tls(const std::string& root, const std::string& work, const key_pair& first,
                                         const key_pair& second, const std::string& extra) {
    auto p = start_nginx_with(work, [&](unsigned short port) {
        const auto server = [&](const std::string& names, const key_pair& kp, bool default_server) {
            const std::string flags = std::string(" ssl") + (default_server ? " default_server" : "");
            return "  server {\n    listen 127.0.0.1:" + std::to_string(port) + flags + ";\n    listen [::1]:" +
                   std::to_string(port) + flags + ";\n    server_name " + names + ";\n    ssl_protocols TLSv1.2 TLSv1.3;\n    ssl_certificate " +
                   kp.cert + ";\n    ssl_certificate_key " + kp.key + ";\n    root " + root + ";\n" + extra + "\n  }\n";
        };
        return server("localhost", first, true) + server("other.test", second, false);
    });
    if (p) p->scheme = "https";
    return p;
}

http_peer require_nginx_tls(const std::string& root, const std::string& work, const key_pair& first,
                            const key_pair& second, const std::string& extra) {
    auto p = start_nginx_tls(root, work, first, second, extra);
    if (!p) throw std::runtime_error("nginx is not installed (scripts/test installs it)");
    return std::move(*p);
}

http_peer require_openssl_server(const key_pair& kp, const std::vector<std::string>& options) {
    require_program("openssl");
    std::string why;
    for (int attempt = 0; attempt < 5; ++attempt) {
        const unsigned short port = free_port_for_peer();
        std::vector<std::string> argv{"openssl", "s_server", "-accept", "127.0.0.1:" + std::to_string(port),
                                      "-cert", kp.cert, "-key", kp.key};
        argv.insert(argv.end(), options.begin(), options.end());
        http_peer p;
        p.scheme = "https";
        p.process = child::start(argv);
        p.port = port;
        // s_server says ACCEPT once it listens; it ends with "Address already in use"
        // when another program took the port first.
        while (const auto line = p.process.read_line(20s))
            if (*line == "ACCEPT") return p;
        p.process.wait(5s);
        why = p.process.stderr_text();
        if (why.find("Address already in use") == std::string::npos) break;
    }
    throw std::runtime_error("openssl s_server did not start: " + why);
}

http_peer require_python_https(const std::string& root, const key_pair& kp, const std::string& client_ca) {
    require_program("python3");
    static const char* program =
        "import functools, http.server, ssl, sys\n"
        "h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])\n"
        "s = http.server.ThreadingHTTPServer(('127.0.0.1', 0), h)\n"
        "c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)\n"
        "c.load_cert_chain(sys.argv[2], sys.argv[3])\n"
        "if len(sys.argv) > 4:\n"
        "    c.verify_mode = ssl.CERT_REQUIRED\n"
        "    c.load_verify_locations(sys.argv[4])\n"
        "s.socket = c.wrap_socket(s.socket, server_side=True)\n"
        "print(s.server_address[1], flush=True)\n"
        "s.serve_forever()\n";
    http_peer p;
    p.scheme = "https";
    std::vector<std::string> argv{"python3", "-c", program, root, kp.cert, kp.key};
    if (!client_ca.empty()) argv.push_back(client_ca);
    p.process = child::start(argv);
    const auto line = p.process.read_line(20s);
    if (!line) throw std::runtime_error("python3 https server did not report its port: " + p.process.stderr_text());
    p.port = static_cast<unsigned short>(std::stoi(*line));
    return p;
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
