#include "support/certificates.hpp"

#include <fstream>
#include <stdexcept>

#include "support/process.hpp"

namespace netlab::test {
namespace {

constexpr const char* local_names = "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1";

void openssl(std::vector<std::string> args) {
    args.insert(args.begin(), "openssl");
    const auto r = run(args, std::chrono::seconds(30));
    if (r.exit_code != 0) throw std::runtime_error("openssl " + args[1] + " failed: " + r.err);
}

std::vector<std::string> new_key(const std::string& key) {
    return {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key};
}

// A key and a certificate for `names` signed by the CA, valid for `days` (negative: expired).
key_pair signed_by_ca(const std::string& dir, const std::string& name, const std::string& subject_cn,
                      const std::string& names, int days) {
    key_pair kp{dir + "/" + name + ".pem", dir + "/" + name + ".key"};
    auto req = std::vector<std::string>{"req", "-new", "-subj", "/CN=" + subject_cn, "-out", dir + "/" + name + ".csr"};
    const auto key = new_key(kp.key);
    req.insert(req.end(), key.begin(), key.end());
    openssl(req);
    const std::string ext = dir + "/" + name + ".ext";
    std::ofstream(ext) << names << "\n";
    openssl({"x509", "-req", "-in", dir + "/" + name + ".csr", "-CA", dir + "/ca.pem", "-CAkey", dir + "/ca.key",
             "-CAcreateserial", "-days", std::to_string(days), "-extfile", ext, "-out", kp.cert});
    return kp;
}

// A key and a certificate that becomes valid only in 2099: `openssl x509 -req` cannot
// set a start date in OpenSSL 3.0, `openssl ca -startdate` can (it needs a small database).
key_pair not_yet_valid(const std::string& dir) {
    key_pair kp{dir + "/future.pem", dir + "/future.key"};
    auto req = std::vector<std::string>{"req", "-new", "-subj", "/CN=localhost", "-addext", local_names, "-out",
                                        dir + "/future.csr"};
    const auto key = new_key(kp.key);
    req.insert(req.end(), key.begin(), key.end());
    openssl(req);
    const std::string db = dir + "/ca-db";
    run({"mkdir", "-p", db});
    std::ofstream(db + "/index.txt").flush();
    std::ofstream(db + "/serial") << "1000\n";
    std::ofstream(db + "/ca.cnf") << "[ca]\ndefault_ca = d\n[d]\ndatabase = " << db << "/index.txt\nnew_certs_dir = " << db
                                  << "\nserial = " << db << "/serial\ndefault_md = sha256\npolicy = p\n"
                                  << "copy_extensions = copy\n[p]\ncommonName = supplied\n";
    openssl({"ca", "-batch", "-config", db + "/ca.cnf", "-startdate", "20990101000000Z", "-enddate", "21000101000000Z",
             "-keyfile", dir + "/ca.key", "-cert", dir + "/ca.pem", "-in", dir + "/future.csr", "-out", kp.cert, "-notext"});
    return kp;
}

}  // namespace

test_certificates make_test_certificates(const std::string& dir) {
    require_program("openssl");
    test_certificates c;
    auto ca = std::vector<std::string>{"req", "-x509", "-subj", "/CN=netlab test CA", "-days", "30", "-out", dir + "/ca.pem"};
    const auto ca_key = new_key(dir + "/ca.key");
    ca.insert(ca.end(), ca_key.begin(), ca_key.end());
    openssl(ca);
    c.ca = dir + "/ca.pem";
    c.ca_dir = dir + "/ca-dir";
    run({"mkdir", "-p", c.ca_dir});
    run({"cp", c.ca, c.ca_dir + "/test-ca.pem"});
    openssl({"rehash", c.ca_dir});
    c.localhost = signed_by_ca(dir, "localhost", "localhost", local_names, 30);
    c.other = signed_by_ca(dir, "other", "other.test", "subjectAltName=DNS:other.test", 30);
    c.expired = signed_by_ca(dir, "expired", "localhost", local_names, -1);
    c.client = signed_by_ca(dir, "client", "netlab test client", "extendedKeyUsage=clientAuth", 30);
    c.not_yet_valid = not_yet_valid(dir);
    c.encrypted_key = dir + "/localhost-encrypted.key";
    openssl({"pkey", "-in", c.localhost.key, "-aes256", "-passout", "pass:secret", "-out", c.encrypted_key});
    c.self_signed = {dir + "/self.pem", dir + "/self.key"};
    auto self = std::vector<std::string>{"req", "-x509", "-subj", "/CN=localhost", "-days", "30", "-addext", local_names,
                                         "-out", c.self_signed.cert};
    const auto self_key = new_key(c.self_signed.key);
    self.insert(self.end(), self_key.begin(), self_key.end());
    openssl(self);
    return c;
}

const test_certificates& shared_test_certificates() {
    static const temp_dir dir;
    static const test_certificates c = make_test_certificates(dir.path());
    return c;
}

bool netlab_has_tls() {
    static const bool yes = run_netlab({"--json", "--version"}).out.find("\"tls\":null") == std::string::npos;
    return yes;
}

}  // namespace netlab::test
