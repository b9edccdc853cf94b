// serve-http over TLS, fetched by clients we did not write (curl, python's ssl module) and
// by netlab get trusting the certificate the listening event carries.
#include <doctest/doctest.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "support/certificates.hpp"
#include "support/http_peers.hpp"
#include "support/loopback.hpp"
#include "support/netlab_server.hpp"
#include "support/process.hpp"

using namespace netlab::test;

namespace {

const test_certificates& certs() { return shared_test_certificates(); }

std::string https(const netlab_server& s, const std::string& host, const std::string& path) {
    return "https://" + host + ":" + std::to_string(s.port) + path;
}


std::vector<std::string> netlab_args(std::initializer_list<std::string> args) {
    auto argv = netlab_command();
    argv.insert(argv.end(), args);
    return argv;
}

}  // namespace

TEST_SUITE_BEGIN("tls");

TEST_CASE("--tls-self-signed: curl, python and netlab get trust the PEM from the listening event") {
    if (!netlab_has_tls()) { MESSAGE("skipped: this netlab was built without TLS"); return; }
    temp_dir root, keep;
    root.write("hello.txt", "hello over TLS\n");
    auto s = start_server(root.path(), {"--tls-self-signed"});
    const auto fingerprint = s.listening["tls_fingerprint"].get<std::string>();
    CHECK(fingerprint.size() == 32 * 3 - 1);  // "AB:CD:..." for 32 bytes
    CHECK(s.listening["urls"][0].get<std::string>().starts_with("https://127.0.0.1:"));
    const auto pem = keep.write("server.pem", s.listening["tls_certificate"].get<std::string>());
    // The fingerprint is the certificate's own, as openssl computes it.
    const auto x509 = run({"openssl", "x509", "-in", pem, "-noout", "-fingerprint", "-sha256"});
    CHECK(x509.out.find(fingerprint) != std::string::npos);

    const auto c = curl({"--cacert", pem, https(s, "localhost", "/hello.txt")});
    CHECK(c.run.exit_code == 0);
    CHECK(c.response.body == "hello over TLS\n");
    const auto p = python(
        "import ssl, sys, urllib.request\n"
        "c = ssl.create_default_context(cafile=sys.argv[1])\n"
        "sys.stdout.write(urllib.request.urlopen(sys.argv[2], context=c, timeout=10).read().decode())\n",
        {pem, https(s, "127.0.0.1", "/hello.txt")});
    CHECK(p.exit_code == 0);
    CHECK(p.out == "hello over TLS\n");
    const auto g = run_netlab({"get", "-m", "20", "--cacert", pem, https(s, "localhost", "/hello.txt")});
    CHECK(g.exit_code == 0);
    CHECK(g.out == "hello over TLS\n");
    // Without trusting it, the same certificate is refused as self-signed.
    CHECK(run_netlab({"get", "-m", "20", https(s, "localhost", "/hello.txt")}).exit_code == 60);
}

TEST_CASE("--tls-cert and --tls-key: TLS 1.3 with ALPN http/1.1, a large file arrives whole and keep-alive works") {
    if (!netlab_has_tls()) { MESSAGE("skipped: this netlab was built without TLS"); return; }
    temp_dir root;
    const auto content = random_bytes(3 * 1024 * 1024 + 17, 7);  // past the cache: read from the file
    root.write("big.bin", content);
    root.write("small.txt", "small\n");
    auto s = start_server(root.path(), {"--tls-cert", certs().localhost.cert, "--tls-key",
                                        certs().localhost.key});
    const auto r = run_netlab({"--json", "get", "-m", "20", "-o", root.path() + "/copy.bin", "--cacert", certs().ca,
                               https(s, "localhost", "/big.bin")});
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["exit_code"] == 0);
    CHECK(j["tls_version"] == "TLSv1.3");
    CHECK(j["alpn"] == "http/1.1");
    CHECK(j["cert_issuer"] == "CN=netlab test CA");
    CHECK(sha256_file(root.path() + "/copy.bin") == sha256_file(root.path() + "/big.bin"));
    // Two requests on one connection: curl reuses it ("Re-using existing connection").
    const auto c = curl({"-v", "--cacert", certs().ca, https(s, "localhost", "/small.txt"), https(s, "localhost", "/small.txt")});
    CHECK(c.run.exit_code == 0);
    CHECK(c.run.err.find("Re-using existing connection") != std::string::npos);
}

TEST_CASE("a plaintext HTTP request on the TLS port gets a plain 400 that says the port speaks HTTPS") {
    if (!netlab_has_tls()) { MESSAGE("skipped: this netlab was built without TLS"); return; }
    temp_dir root;
    auto s = start_server(root.path(), {"--tls-self-signed"});
    const auto c = curl({"http://127.0.0.1:" + std::to_string(s.port) + "/"});
    CHECK(c.response.status == 400);
    CHECK(c.response.body.find("this port speaks HTTPS") != std::string::npos);
    const auto logged = s.next_event(20s);
    CHECK(logged["status"] == 400);
    CHECK(logged["error"].get<std::string>().find("plaintext") != std::string::npos);
}

TEST_CASE("a client that starts a handshake and stops is closed at the header timeout") {
    if (!netlab_has_tls()) { MESSAGE("skipped: this netlab was built without TLS"); return; }
    temp_dir root;
    auto s = start_server(root.path(), {"-v", "--tls-self-signed", "--header-timeout", "0.5"});
    raw_connection c(s.port);
    c.send(std::string("\x16\x03\x01", 3));  // the start of a ClientHello, then nothing
    CHECK(c.closed_by_peer(20s));
    // The handshake counts against the header timeout, and nothing else closed it.
    const auto closed = s.wait_for_connection(c.client(), "closed");
    REQUIRE(closed.is_object());
    CHECK(closed["reason"] == "request head not complete within --header-timeout 0.5 s");
    CHECK(closed["since_accept_ms"].get<double>() >= 500);
    CHECK(closed["requests"] == 0);
}

TEST_CASE("a key that does not belong to the certificate, or a certificate without key, is a usage error") {
    if (!netlab_has_tls()) { MESSAGE("skipped: this netlab was built without TLS"); return; }
    temp_dir root;
    auto r = run_netlab({"serve-http", root.path(), "-p", "0", "--tls-cert", certs().localhost.cert, "--tls-key",
                         certs().other.key});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("does not belong") != std::string::npos);
    r = run_netlab({"serve-http", root.path(), "-p", "0", "--tls-cert", certs().localhost.cert});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--tls-key") != std::string::npos);
}

TEST_CASE("serve-http --trace has a tls_handshake step with the version") {
    if (!netlab_has_tls()) { MESSAGE("skipped: this netlab was built without TLS"); return; }
    temp_dir root, keep;
    root.write("a.txt", "a");
    auto s = start_server(root.path(), {"--tls-self-signed", "--trace", "--threads", "1"});
    const auto pem = keep.write("server.pem", s.listening["tls_certificate"].get<std::string>());
    CHECK(run_netlab({"get", "-m", "20", "--cacert", pem, https(s, "localhost", "/a.txt")}).exit_code == 0);
    CHECK(s.next_event(20s)["event"] == "request");
    s.process.send_signal(SIGINT);
    REQUIRE(s.process.wait(20s) == 0);
    CHECK(s.process.stderr_text().find("tls_handshake") != std::string::npos);
    CHECK(s.process.stderr_text().find("TLSv1.3") != std::string::npos);
}

TEST_CASE("an encrypted --tls-key is refused at once with how to decrypt it, never a passphrase prompt") {
    if (!netlab_has_tls()) { MESSAGE("skipped: this netlab was built without TLS"); return; }
    temp_dir root;
    // On a terminal, where OpenSSL's own fallback would wait at "Enter PEM pass phrase:".
    auto c = child::start_on_terminal(netlab_args({"serve-http", root.path(), "-p", "0", "-b", "127.0.0.1", "--tls-cert",
                                                   certs().localhost.cert, "--tls-key", certs().encrypted_key}),
                                      {.out = true, .err = true, .in = true});
    CHECK(c.wait(20s) == 2);
    const auto& t = c.terminal_text();
    CHECK(t.find("--tls-key " + certs().encrypted_key + " is encrypted") != std::string::npos);
    CHECK(t.find("openssl pkey -in " + certs().encrypted_key) != std::string::npos);
    CHECK(t.find("pass phrase") == std::string::npos);
    // Without a terminal: the same one line, no prompt and no "PEM lib".
    const auto r = run_netlab({"serve-http", root.path(), "-p", "0", "--tls-cert", certs().localhost.cert, "--tls-key",
                               certs().encrypted_key});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("is encrypted") != std::string::npos);
    CHECK(r.err.find("pass phrase") == std::string::npos);
    CHECK(r.err.find("PEM lib") == std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    // With stdin a pipe that never ends (where OpenSSL would read a passphrase when no
    // terminal can be opened): it still ends at once, without asking.
    auto piped = child::start_with_stdin(netlab_args({"serve-http", root.path(), "-p", "0", "-b", "127.0.0.1",
                                                      "--tls-cert", certs().localhost.cert, "--tls-key",
                                                      certs().encrypted_key}));
    CHECK(piped.wait(20s) == 2);
    CHECK_FALSE(piped.killed_at_deadline());
    CHECK(piped.stderr_text().find("is encrypted") != std::string::npos);
    CHECK(piped.stderr_text().find("pass phrase") == std::string::npos);
    CHECK(piped.stdout_rest().empty());
}

TEST_SUITE_END();
