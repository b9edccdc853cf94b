// serve-http over TLS, fetched by clients we did not write (curl, python's ssl module) and
// by netlab get trusting the certificate the listening event carries.
#include <doctest/doctest.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <functional>
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

// The `tls_handshake_failed` event for this client.
std::function<bool(const nlohmann::json&)> is_tls_failure(const std::string& client) {
    return [client](const nlohmann::json& e) {
        return e.value("event", "") == "tls_handshake_failed" && e.value("client", "") == client;
    };
}

// A TLS 1.3 client (python's ssl module driven by hand) that changes one byte of its
// encrypted Finished message: the server finds the record's authentication tag wrong.
// Prints its own "127.0.0.1:PORT" once the server has closed.
constexpr const char* corrupt_finished = R"(
import socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
tls = ctx.wrap_bio(incoming, outgoing, server_hostname="localhost")
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20)
def step():
    try:
        tls.do_handshake()
        return True
    except ssl.SSLWantReadError:
        return False
done = step()
s.sendall(outgoing.read())
while not done:
    data = s.recv(65536)
    if not data:
        sys.exit("the server closed before its handshake messages")
    incoming.write(data)
    done = step()
flight = bytearray(outgoing.read())
flight[-1] ^= 0x01
s.sendall(bytes(flight))
try:
    while s.recv(65536):
        pass
except OSError:
    pass
print("%s:%d" % s.getsockname()[:2])
)";

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
    CHECK(closed["reason"] == "TLS handshake not complete within --header-timeout 0.5 s");
    CHECK(closed["since_accept_ms"].get<double>() >= 500);
    CHECK(closed["requests"] == 0);
    // A handshake that did not finish is a failed one, logged with the same words.
    const auto failed = s.position(is_tls_failure(c.client()));
    REQUIRE(failed >= 0);
    CHECK(s.seen[static_cast<std::size_t>(failed)]["reason"] == closed["reason"]);
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

TEST_CASE("past --max-connections the TLS port answers 503 through TLS, never in plaintext") {
    if (!netlab_has_tls()) { MESSAGE("skipped: this netlab was built without TLS"); return; }
    temp_dir root;
    root.write("a.txt", "a");
    auto s = start_server(root.path(), {"-v", "--tls-cert", certs().localhost.cert, "--tls-key", certs().localhost.key,
                                        "--max-connections", "1", "--header-timeout", "60"});
    raw_connection held(s.port);  // holds the one place
    REQUIRE(s.wait_for_connection(held.client(), "open").is_object());
    const auto c = curl({"--cacert", certs().ca, https(s, "localhost", "/a.txt")});
    CHECK(c.run.exit_code == 0);  // not 35, "wrong version number"
    CHECK(c.response.status == 503);
    CHECK(c.response.header("Retry-After") == "1");
    // Logged with the request it refused, read through TLS.
    const auto logged = s.wait_for([](const nlohmann::json& e) { return e.value("event", "") == "request"; });
    REQUIRE(logged.is_object());
    CHECK(logged["status"] == 503);
    CHECK(logged["target"] == "/a.txt");
    CHECK(logged["error"] == "over --max-connections 1");
    const auto closed = s.wait_for([](const nlohmann::json& e) { return e.value("refused", false); });
    REQUIRE(closed.is_object());
    CHECK(closed["requests"] == 1);
    // netlab get reads it as an answer too, not as a port without TLS (exit 35).
    const auto g = run_netlab({"--json", "get", "-m", "20", "-o", root.path() + "/got.html", "--cacert", certs().ca,
                               https(s, "localhost", "/a.txt")});
    const auto got = nlohmann::json::parse(g.out);
    CHECK(got["exit_code"] == 0);
    CHECK(got["status"] == 503);
    // openssl s_client: a TLS session, then the 503 as its application data.
    const auto o = run({"openssl", "s_client", "-connect", "127.0.0.1:" + std::to_string(s.port), "-CAfile", certs().ca,
                        "-servername", "localhost", "-quiet"},
                       20s, "GET /a.txt HTTP/1.1\r\nHost: localhost\r\n\r\n");
    CHECK(o.out.starts_with("HTTP/1.1 503 Service Unavailable\r\n"));
    CHECK(o.err.find("wrong version number") == std::string::npos);
    // A refused client that speaks no TLS: its handshake fails, logged once, marked refused.
    raw_connection garbage(s.port);
    garbage.send(std::string("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f", 16));
    CHECK(garbage.closed_by_peer(20s));
    const auto failed = s.wait_for(is_tls_failure(garbage.client()));
    REQUIRE(failed.is_object());
    CHECK(failed["refused"] == true);
    CHECK(failed["reason"] == "wrong version number (the client does not speak TLS?)");
    const auto gone = s.wait_for_connection(garbage.client(), "closed");
    REQUIRE(gone.is_object());
    CHECK(gone["reason"] ==
          "over --max-connections 1, then TLS handshake failed: wrong version number (the client does not speak TLS?)");
    CHECK(gone["requests"] == 0);
}

TEST_CASE("Ctrl-C closes TLS connections that never sent a byte at once, a handshake under way is cut off at the grace's end and logged") {
    if (!netlab_has_tls()) { MESSAGE("skipped: this netlab was built without TLS"); return; }
    temp_dir root;
    auto s = start_server(root.path(), {"-v", "--tls-self-signed", "--header-timeout", "60"});
    raw_connection silent(s.port);
    raw_connection started(s.port);
    started.send(std::string("\x16\x03\x01", 3));  // a ClientHello begun, then nothing
    REQUIRE(s.wait_for_connection(silent.client(), "open").is_object());
    REQUIRE(s.wait_for_connection(started.client(), "open").is_object());
    s.process.send_signal(SIGINT);
    REQUIRE(s.wait_for(is_event("shutdown")).is_object());
    // The silent one is idle: closed as a plain connection waiting for its request is,
    // without waiting for the grace period.
    const auto closed = s.wait_for_connection(silent.client(), "closed");
    REQUIRE(closed.is_object());
    CHECK(closed["reason"] == "shutdown");
    CHECK(closed.contains("idle_ms"));
    CHECK(silent.closed_by_peer(20s));
    // The one in a handshake had begun: it may finish within the grace, and when it does
    // not, it is cut off and logged as a failed handshake with the reason.
    const auto failed = s.wait_for(is_tls_failure(started.client()));
    REQUIRE(failed.is_object());
    CHECK(failed["reason"] == "shutdown: the 5 s grace period ended");
    // The silent one had gone before the grace ended.
    const auto cut_off = s.position([](const nlohmann::json& e) { return e.value("stage", "") == "cut_off"; });
    CHECK(cut_off >= 0);
    CHECK(s.position(is_connection(silent.client(), "closed")) < cut_off);
    CHECK(s.process.wait(20s) == 0);
}

TEST_CASE("Ctrl-C with TLS connections that never sent a byte ends at once, a refused one too, each close logged") {
    if (!netlab_has_tls()) { MESSAGE("skipped: this netlab was built without TLS"); return; }
    temp_dir root;
    auto s = start_server(root.path(), {"-v", "--trace", "--tls-self-signed", "--header-timeout", "60",
                                        "--max-connections", "2"});
    raw_connection first(s.port);
    raw_connection second(s.port);
    REQUIRE(s.wait_for_connection(first.client(), "open").is_object());
    REQUIRE(s.wait_for_connection(second.client(), "open").is_object());
    // Over --max-connections: its 503 would go through a handshake the client never begins.
    raw_connection refused(s.port);
    REQUIRE(s.process.wait_for_stderr("\"remote\":\"" + refused.client() + "\"", 20s));
    s.process.send_signal(SIGINT);
    const auto shutdown = s.wait_for(is_event("shutdown"));
    REQUIRE(shutdown.is_object());
    CHECK(shutdown["stage"] == "grace");
    REQUIRE(s.process.wait(20s) == 0);
    for (const auto& e : s.remaining_events()) s.seen.push_back(e);
    // Idle, all three: nothing was left to cut off, and the grace period was not waited out
    // (the server's own measure, from the signal to its end).
    CHECK(s.position([](const nlohmann::json& e) { return e.value("stage", "") == "cut_off"; }) < 0);
    const auto summary = find_event(s.seen, "summary");
    REQUIRE(summary.is_object());
    CHECK(summary["shutdown_s"].get<double>() < shutdown["grace_s"].get<double>());
    CHECK(summary["tls_failures"] == 0);
    CHECK(summary["refused"] == 1);
    for (const auto& c : {first.client(), second.client()}) {
        const auto at = s.position(is_connection(c, "closed"));
        REQUIRE(at >= 0);
        CHECK(s.seen[static_cast<std::size_t>(at)]["reason"] == "shutdown");
    }
    const auto at = s.position(is_connection(refused.client(), "closed"));
    REQUIRE(at >= 0);
    CHECK(s.seen[static_cast<std::size_t>(at)]["reason"] == "over --max-connections 2, then shutdown: the client had sent nothing");
    CHECK(s.seen[static_cast<std::size_t>(at)]["refused"] == true);
    CHECK(first.closed_by_peer(20s));
    CHECK(refused.closed_by_peer(20s));
}

TEST_CASE("failed handshakes are logged once each with their reason, and bytes that are not TLS are not called a plaintext request") {
    if (!netlab_has_tls()) { MESSAGE("skipped: this netlab was built without TLS"); return; }
    require_program("openssl");
    temp_dir root;
    auto s = start_server(root.path(), {"-v", "--tls-self-signed"});

    // Garbage: neither a TLS record nor an HTTP request line.
    raw_connection garbage(s.port);
    garbage.send(std::string("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f", 16));
    CHECK(garbage.closed_by_peer(20s));
    auto failed = s.wait_for(is_tls_failure(garbage.client()));
    REQUIRE(failed.is_object());
    CHECK(failed["reason"] == "wrong version number (the client does not speak TLS?)");
    auto closed = s.wait_for_connection(garbage.client(), "closed");
    REQUIRE(closed.is_object());
    CHECK(closed["reason"] == "TLS handshake failed: wrong version number (the client does not speak TLS?)");

    // A client that speaks only TLS 1.0 (OpenSSL's client needs security level 0 for it).
    const auto old = run({"openssl", "s_client", "-connect", "127.0.0.1:" + std::to_string(s.port), "-tls1", "-cipher",
                          "DEFAULT@SECLEVEL=0"},
                         20s, "");
    CHECK(old.exit_code != 0);
    failed = s.wait_for([](const nlohmann::json& e) {
        return e.value("event", "") == "tls_handshake_failed" && e.value("reason", "").find("unsupported protocol") == 0;
    });
    REQUIRE(failed.is_object());
    CHECK(failed["reason"].get<std::string>().find("older than 1.2") != std::string::npos);

    // A record whose authentication tag does not match (one bit of the Finished changed).
    const auto bad_mac = python(corrupt_finished, {std::to_string(s.port)});
    REQUIRE(bad_mac.exit_code == 0);
    const std::string mac_client = bad_mac.out.substr(0, bad_mac.out.find('\n'));
    failed = s.wait_for(is_tls_failure(mac_client));
    REQUIRE(failed.is_object());
    CHECK(failed["reason"].get<std::string>().find("bad record mac") != std::string::npos);
    REQUIRE(s.wait_for_connection(mac_client, "closed").is_object());

    s.process.send_signal(SIGINT);
    REQUIRE(s.process.wait(20s) == 0);
    for (const auto& e : s.remaining_events()) s.seen.push_back(e);
    // Once each: three failures, three lines, and the summary counts them.
    CHECK(events_of(s.seen, "tls_handshake_failed").size() == 3);
    CHECK(events_of(s.seen, "request").empty());  // no "plaintext HTTP request" among them
    const auto summary = find_event(s.seen, "summary");
    REQUIRE(summary.is_object());
    CHECK(summary["tls_failures"] == 3);
    CHECK(summary["requests"] == 0);
}

TEST_CASE("an expired or not yet valid --tls-cert is served with a warning at start") {
    if (!netlab_has_tls()) { MESSAGE("skipped: this netlab was built without TLS"); return; }
    temp_dir root;
    auto s = start_server(root.path(), {"--tls-cert", certs().expired.cert, "--tls-key", certs().expired.key});
    const auto warning = s.next_event(20s);
    REQUIRE(warning.is_object());
    CHECK(warning["event"] == "warning");
    CHECK(warning["text"].get<std::string>().find("--tls-cert " + certs().expired.cert + " expired on ") == 0);
    CHECK(warning["not_after"].get<std::string>().ends_with("Z"));
    // A person sees it on stderr, and the server serves all the same.
    auto h = start_human_server(root.path(), {"--tls-cert", certs().not_yet_valid.cert, "--tls-key",
                                              certs().not_yet_valid.key});
    const auto line = h.process.wait_for_stderr("is not valid before 2099-01-01T00:00:00Z", 20s);
    REQUIRE(line);
    CHECK(line->starts_with("netlab: warning: --tls-cert "));
    // A valid one: no warning.
    auto good = start_server(root.path(), {"--tls-cert", certs().localhost.cert, "--tls-key", certs().localhost.key});
    const auto r = curl({"--cacert", certs().ca, https(good, "localhost", "/")});
    CHECK(r.run.exit_code == 0);
    const auto next = good.next_event(20s);
    CHECK(next["event"] == "request");
}

TEST_SUITE_END();
