// netlab get https:// against TLS servers we did not write: nginx (two server names on one
// port, for SNI), `openssl s_server` and python's ssl module, with certificates the
// `openssl` command makes at test time. Every TLS exit code, each with its words.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "support/certificates.hpp"
#include "support/http_peers.hpp"
#include "support/peers.hpp"
#include "support/process.hpp"
#include "support/scripted_server.hpp"

using namespace netlab::test;

namespace {

const test_certificates& certs() { return shared_test_certificates(); }

std::string local_url(unsigned short port, const std::string& host = "localhost", const std::string& path = "/") {
    return "https://" + host + ":" + std::to_string(port) + path;
}

nlohmann::json json_of(const run_result& r) {
    INFO("stdout: " << r.out << "\nstderr: " << r.err);
    REQUIRE_FALSE(r.out.empty());
    return nlohmann::json::parse(r.out);
}

}  // namespace

TEST_SUITE_BEGIN("tls");

TEST_CASE("nginx over TLS: the body arrives, the chain and name verified against --cacert") {
    if (!netlab_has_tls()) { MESSAGE("skipped: this netlab was built without TLS"); return; }
    temp_dir root, work;
    root.write("hello.txt", "hello over TLS\n");
    const auto nginx = require_nginx_tls(root.path(), work.path(), certs().localhost, certs().other);
    for (const std::string host : {"localhost", "127.0.0.1", "[::1]"}) {
        const auto r = run_netlab({"get", "-m", "20", "--cacert", certs().ca, local_url(nginx.port, host, "/hello.txt")});
        INFO(host << ": " << r.err);
        CHECK(r.exit_code == 0);
        CHECK(r.out == "hello over TLS\n");
    }
}

TEST_CASE("nginx over TLS: 5 MiB arrive in order and whole (many records read into each block)") {
    if (!netlab_has_tls()) { MESSAGE("skipped: this netlab was built without TLS"); return; }
    temp_dir root, work, out;
    std::string content(5 * 1024 * 1024, '\0');
    for (std::size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>((i * 2654435761u) >> 13);
    root.write("big.bin", content);
    const auto nginx = require_nginx_tls(root.path(), work.path(), certs().localhost, certs().other);
    const auto file = out.path() + "/big.bin";
    const auto r = run_netlab({"get", "-s", "-m", "30", "--cacert", certs().ca, "-o", file, local_url(nginx.port, "localhost", "/big.bin")});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    const auto got = read_file(file);
    CHECK(got.size() == content.size());
    CHECK(got == content);
}

TEST_CASE("SNI picks nginx's server block: other.test gets its own certificate") {
    if (!netlab_has_tls()) { MESSAGE("skipped: this netlab was built without TLS"); return; }
    temp_dir root, work;
    root.write("x", "x");
    const auto nginx = require_nginx_tls(root.path(), work.path(), certs().localhost, certs().other);
    const std::string resolve = "other.test:" + std::to_string(nginx.port) + ":127.0.0.1";
    auto j = json_of(run_netlab({"--json", "get", "-m", "20", "--cacert", certs().ca, "--resolve", resolve, "-o",
                                 "/dev/null", local_url(nginx.port, "other.test", "/x")}));
    CHECK(j["exit_code"] == 0);
    CHECK(j["cert_subject"] == "CN=other.test");
    CHECK(j["cert_names"] == nlohmann::json::array({"other.test"}));
    j = json_of(run_netlab({"--json", "get", "-m", "20", "--cacert", certs().ca, "-o", "/dev/null",
                            local_url(nginx.port, "localhost", "/x")}));
    CHECK(j["cert_subject"] == "CN=localhost");
}

TEST_CASE("--json and -v carry the TLS version, cipher, ALPN and certificate, --timing has the handshake") {
    if (!netlab_has_tls()) { MESSAGE("skipped: this netlab was built without TLS"); return; }
    temp_dir root, work;
    root.write("x", "x");
    const auto nginx = require_nginx_tls(root.path(), work.path(), certs().localhost, certs().other);
    const auto j = json_of(run_netlab({"--json", "get", "-m", "20", "--cacert", certs().ca, "-o", "/dev/null",
                                       local_url(nginx.port, "localhost", "/x")}));
    CHECK(j["tls_version"] == "TLSv1.3");
    CHECK_FALSE(j["cipher"].get<std::string>().empty());
    CHECK(j["alpn"] == "http/1.1");
    CHECK(j["cert_issuer"] == "CN=netlab test CA");
    CHECK(j["cert_not_after"].get<std::string>().ends_with("Z"));
    CHECK(j["time_appconnect"].get<double>() > j["time_connect"].get<double>());
    CHECK(j["time_appconnect"].get<double>() <= j["time_pretransfer"].get<double>());

    const auto v = run_netlab({"-v", "get", "-m", "20", "--timing", "--cacert", certs().ca, "-o", "/dev/null",
                               local_url(nginx.port, "localhost", "/x")});
    CHECK(v.exit_code == 0);
    CHECK(v.err.find("TLSv1.3") != std::string::npos);
    CHECK(v.err.find("ALPN http/1.1") != std::string::npos);
    CHECK(v.err.find("subject: CN=localhost") != std::string::npos);
    CHECK(v.err.find("names: localhost, 127.0.0.1, ::1") != std::string::npos);
    CHECK(v.err.find("TLS handshake") != std::string::npos);
}

TEST_CASE("exit 60: unknown CA, expired, wrong name and self-signed, each in its own words") {
    if (!netlab_has_tls()) { MESSAGE("skipped: this netlab was built without TLS"); return; }
    struct refusal {
        const key_pair* kp;
        std::vector<std::string> trust;
        const char* words;
    };
    const std::vector<refusal> cases{
        {&certs().localhost, {}, "issued by an unknown CA (CN=netlab test CA)"},
        {&certs().expired, {"--cacert", certs().ca}, "expired on"},
        {&certs().other, {"--cacert", certs().ca}, "not for localhost: it names other.test"},
        {&certs().self_signed, {"--cacert", certs().ca}, "self-signed"},
    };
    for (const auto& c : cases) {
        const auto server = require_openssl_server(*c.kp, {"-www"});
        std::vector<std::string> args{"get", "-m", "20"};
        args.insert(args.end(), c.trust.begin(), c.trust.end());
        args.push_back(local_url(server.port));
        const auto r = run_netlab(args);
        INFO(c.words << ": " << r.err);
        CHECK(r.exit_code == 60);
        CHECK(r.err.find("(60)") != std::string::npos);
        CHECK(r.err.find(c.words) != std::string::npos);
        // -k skips exactly these checks.
        args.insert(args.begin() + 1, "-k");
        CHECK(run_netlab(args).exit_code == 0);
    }
}

TEST_CASE("an IP-address URL is checked against the certificate's IP names, not its DNS names") {
    if (!netlab_has_tls()) { MESSAGE("skipped: this netlab was built without TLS"); return; }
    const auto server = require_openssl_server(certs().other, {"-www"});
    const auto r = run_netlab({"get", "-m", "20", "--cacert", certs().ca, local_url(server.port, "127.0.0.1")});
    CHECK(r.exit_code == 60);
    CHECK(r.err.find("not for 127.0.0.1") != std::string::npos);
}

TEST_CASE("--capath trusts a hashed folder of CA certificates") {
    if (!netlab_has_tls()) { MESSAGE("skipped: this netlab was built without TLS"); return; }
    const auto server = require_openssl_server(certs().localhost, {"-www"});
    CHECK(run_netlab({"get", "-m", "20", "-o", "/dev/null", "--capath", certs().ca_dir, local_url(server.port)}).exit_code == 0);
}

TEST_CASE("exit 77: a --cacert that is missing or not PEM, a --capath that is no folder") {
    if (!netlab_has_tls()) { MESSAGE("skipped: this netlab was built without TLS"); return; }
    temp_dir dir;
    const auto junk = dir.write("junk.pem", "not a certificate\n");
    // Nothing listens: the CA options are read before any connection.
    const auto url = local_url(unused_port());
    for (const auto& args : std::vector<std::vector<std::string>>{{"--cacert", dir.path() + "/missing.pem"},
                                                                  {"--cacert", junk},
                                                                  {"--capath", junk}}) {
        std::vector<std::string> argv{"get"};
        argv.insert(argv.end(), args.begin(), args.end());
        argv.push_back(url);
        const auto r = run_netlab(argv);
        INFO(r.err);
        CHECK(r.exit_code == 77);
        CHECK(r.err.find(args[0]) != std::string::npos);
    }
}

TEST_CASE("TLS versions: --tls-max 1.2 gets 1.2, --tlsv1.3 against a 1.2-only server is exit 35") {
    if (!netlab_has_tls()) { MESSAGE("skipped: this netlab was built without TLS"); return; }
    temp_dir root;
    root.write("x", "x");
    const auto python = require_python_https(root.path(), certs().localhost);
    const auto j = json_of(run_netlab({"--json", "get", "-m", "20", "--cacert", certs().ca, "--tls-max", "1.2", "-o",
                                       "/dev/null", local_url(python.port, "localhost", "/x")}));
    CHECK(j["exit_code"] == 0);
    CHECK(j["tls_version"] == "TLSv1.2");

    const auto old = require_openssl_server(certs().localhost, {"-www", "-tls1_2"});
    const auto r = run_netlab({"get", "-m", "20", "--cacert", certs().ca, "--tlsv1.3", local_url(old.port)});
    CHECK(r.exit_code == 35);
    CHECK(r.err.find("no TLS version that both sides accept") != std::string::npos);
}

TEST_CASE("exit 35: a plaintext HTTP server on an https URL, named as such") {
    if (!netlab_has_tls()) { MESSAGE("skipped: this netlab was built without TLS"); return; }
    temp_dir root, work;
    const auto nginx = require_nginx(root.path(), work.path());
    const auto r = run_netlab({"get", "-m", "20", "https://127.0.0.1:" + std::to_string(nginx.port) + "/"});
    CHECK(r.exit_code == 35);
    CHECK(r.err.find("does not speak TLS") != std::string::npos);
}

TEST_CASE("exit 28: a server that never finishes the handshake is cut off by --connect-timeout") {
    if (!netlab_has_tls()) { MESSAGE("skipped: this netlab was built without TLS"); return; }
    scripted_server silent({{hold()}});
    const auto r = run_netlab({"--json", "get", "--connect-timeout", "0.5", local_url(silent.port(), "127.0.0.1")}, 20s);
    CHECK(r.exit_code == 28);
    CHECK(r.err.find("TLS handshake") != std::string::npos);
    // netlab's own clock: cut off at --connect-timeout (a generous bound for a late timer).
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["time_total"].get<double>() >= 0.5);
    CHECK(j["time_total"].get<double>() < 10);
}

TEST_CASE("a TLS server on an http URL ends at once with an empty or failed reply, not a hang") {
    if (!netlab_has_tls()) { MESSAGE("skipped: this netlab was built without TLS"); return; }
    const auto server = require_openssl_server(certs().localhost, {"-www"});
    // A hang would end at -m 10 with exit 28 (the run's deadline is longer still).
    const auto r = run_netlab({"get", "-m", "10", "http://127.0.0.1:" + std::to_string(server.port) + "/"}, 30s);
    CHECK((r.exit_code == 52 || r.exit_code == 56));
}

TEST_CASE("-L follows http to https and back, -H credentials are dropped when the scheme and port change") {
    if (!netlab_has_tls()) { MESSAGE("skipped: this netlab was built without TLS"); return; }
    temp_dir root, work;
    root.write("secret.txt", "over TLS\n");
    scripted_server plain({{read_request(), send("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nplain\n"), close_connection()}});
    const auto nginx = require_nginx_tls(root.path(), work.path(), certs().localhost, certs().other,
                                         "    location = /to-http { return 301 " + plain.url("/back") + "; }\n");
    scripted_server to_tls({reply("HTTP/1.1 302 Found\r\nLocation: " + local_url(nginx.port, "localhost", "/secret.txt") +
                                  "\r\nContent-Length: 0\r\n\r\n")});
    auto r = run_netlab({"get", "-L", "-m", "20", "--cacert", certs().ca, to_tls.url()});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "over TLS\n");

    r = run_netlab({"get", "-L", "-m", "20", "--cacert", certs().ca, "-H", "Authorization: Bearer s3cret",
                    local_url(nginx.port, "localhost", "/to-http")});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "plain\n");
    REQUIRE(plain.requests().size() == 1);
    CHECK(plain.requests()[0].find("s3cret") == std::string::npos);
}

TEST_CASE("python's ssl module: a file arrives whole over TLS") {
    if (!netlab_has_tls()) { MESSAGE("skipped: this netlab was built without TLS"); return; }
    temp_dir root;
    const std::string content(300 * 1024, 'z');
    root.write("big.txt", content);
    const auto python = require_python_https(root.path(), certs().localhost);
    const auto r = run_netlab({"get", "-m", "20", "--cacert", certs().ca, local_url(python.port, "localhost", "/big.txt")});
    CHECK(r.exit_code == 0);
    CHECK(r.out.size() == content.size());
    CHECK(r.out == content);
}

TEST_CASE("client certificates: --cert and --key for a server that requires one (without them: 56, in words), exit 58 for unusable files") {
    if (!netlab_has_tls()) { MESSAGE("skipped: this netlab was built without TLS"); return; }
    const auto server = require_openssl_server(
        certs().localhost, {"-Verify", "1", "-verify_return_error", "-CAfile", certs().ca, "-www"});
    const auto get = [&](std::vector<std::string> extra) {
        std::vector<std::string> args{"get", "-m", "20", "-o", "/dev/null", "--cacert", certs().ca};
        args.insert(args.end(), extra.begin(), extra.end());
        args.push_back(local_url(server.port));
        return run_netlab(args);
    };
    auto r = get({"--cert", certs().client.cert, "--key", certs().client.key});
    CHECK_MESSAGE(r.exit_code == 0, r.err);

    temp_dir dir;
    dir.write("both.pem", read_file(certs().client.cert) + read_file(certs().client.key));
    r = get({"-E", dir.path() + "/both.pem"});  // the key in the certificate's file, as curl allows
    CHECK_MESSAGE(r.exit_code == 0, r.err);

    r = get({});
    CHECK(r.exit_code == 56);
    CHECK(r.err.find("the server wants a client certificate") != std::string::npos);

    r = get({"--cert", certs().client.cert, "--key", certs().localhost.key});
    CHECK(r.exit_code == 58);
    CHECK(r.err.find("does not match the certificate") != std::string::npos);
    r = get({"--cert", dir.path() + "/missing.pem"});
    CHECK(r.exit_code == 58);
    CHECK(r.err.find("no such file") != std::string::npos);
    r = get({"--cert", certs().client.key, "--key", certs().client.key});
    CHECK(r.exit_code == 58);
    CHECK(r.err.find("expected a PEM certificate") != std::string::npos);
    const auto encrypted = dir.path() + "/encrypted.key";
    REQUIRE(run({"openssl", "pkey", "-in", certs().client.key, "-aes256", "-passout", "pass:x", "-out", encrypted}).exit_code == 0);
    r = get({"--cert", certs().client.cert, "--key", encrypted});
    CHECK(r.exit_code == 58);  // refused at once, never a passphrase prompt that hangs
    CHECK(r.err.find("encrypted") != std::string::npos);

    r = get({"--key", certs().client.key});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--key requires --cert") != std::string::npos);
}

TEST_CASE("a server that requires a client certificate is named in words every time, never a send failure") {
    // python's ssl module closes such a connection with unread bytes, so a reset follows
    // its certificate_required alert at once and often beats get's request: the write
    // then fails, and only reading what arrived before the reset finds the alert (the
    // race lost 15 times in 20 here before get read it).
    if (!netlab_has_tls()) { MESSAGE("skipped: this netlab was built without TLS"); return; }
    temp_dir root;
    const auto python = require_python_https(root.path(), certs().localhost, certs().ca);
    const auto url = local_url(python.port, "localhost", "/");
    REQUIRE(run_netlab({"get", "-m", "20", "-o", "/dev/null", "--cacert", certs().ca, "--cert", certs().client.cert,
                        "--key", certs().client.key, url})
                .exit_code == 0);
    int alerts = 0;
    for (int i = 0; i < 20; ++i) {
        const auto r = run_netlab({"get", "-m", "20", "-o", "/dev/null", "--cacert", certs().ca, url});
        INFO("run " << i << ": " << r.err);
        CHECK(r.exit_code == 56);
        CHECK(r.err.find("the server wants a client certificate") != std::string::npos);
        CHECK(r.err.find("send failure") == std::string::npos);
        alerts += r.exit_code == 56 && r.err.find("certificate required") != std::string::npos ? 1 : 0;
    }
    CHECK(alerts == 20);
}

TEST_CASE("--trace shows the tls_handshake step with the version and cipher") {
    if (!netlab_has_tls()) { MESSAGE("skipped: this netlab was built without TLS"); return; }
    const auto server = require_openssl_server(certs().localhost, {"-www"});
    const auto r = run_netlab({"--trace", "get", "-m", "20", "-o", "/dev/null", "--cacert", certs().ca, local_url(server.port)});
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("tls_handshake") != std::string::npos);
    CHECK(r.err.find("TLSv1.3") != std::string::npos);
}

TEST_SUITE_END();
