// Certificates made at test time with the `openssl` command: a test CA and server
// certificates signed by it (good, expired, for another name), a self-signed one, and the
// CA in a folder hashed for --capath. EC P-256 keys: made in milliseconds.
#pragma once

#include <string>

namespace netlab::test {

struct key_pair {
    std::string cert;  // PEM file
    std::string key;   // PEM file, unencrypted
};

struct test_certificates {
    std::string ca;           // the test CA's certificate (--cacert)
    std::string ca_dir;       // a folder holding only the CA, hashed (--capath)
    key_pair localhost;       // localhost, 127.0.0.1, ::1; signed by the CA
    key_pair other;           // other.test only; signed by the CA
    key_pair expired;         // localhost, 127.0.0.1, ::1; expired yesterday
    key_pair not_yet_valid;   // localhost, 127.0.0.1, ::1; valid from 2099; signed by the CA
    std::string encrypted_key;  // localhost's key, encrypted (PKCS#8, AES-256) with the passphrase "secret"
    key_pair self_signed;     // localhost, 127.0.0.1, ::1; its own issuer
    key_pair client;          // CN=netlab test client, for TLS client authentication; signed by the CA
};

// Makes them all in `dir` (which must exist); throws, failing the test, when openssl is
// missing or fails.
test_certificates make_test_certificates(const std::string& dir);

// One set for the whole test binary: made at first use in a folder removed at exit.
const test_certificates& shared_test_certificates();

// True when the netlab under test was built with TLS (`--version --json` names a library).
bool netlab_has_tls();

}  // namespace netlab::test
