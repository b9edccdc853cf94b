#include "netlab/platform/root_certificates.hpp"

namespace netlab::platform {

// OpenSSL reads the system's trust itself (X509_get_default_cert_dir): nothing to list.
std::vector<der_certificate> system_root_certificates() { return {}; }

}  // namespace netlab::platform
