#include "netlab/platform/root_certificates.hpp"

#include <windows.h>
#include <wincrypt.h>

namespace netlab::platform {

// The current user's view of the ROOT store (which includes the machine's roots), as
// curl's --ca-native reads it (lib/vtls/openssl.c, import_windows_cert_store). Only
// X.509 entries are listed; which of them OpenSSL can parse is the TLS library's call.
std::vector<der_certificate> system_root_certificates() {
    std::vector<der_certificate> out;
    HCERTSTORE store = CertOpenSystemStoreW(0, L"ROOT");
    if (store == nullptr) return out;
    for (PCCERT_CONTEXT cert = CertEnumCertificatesInStore(store, nullptr); cert != nullptr;
         cert = CertEnumCertificatesInStore(store, cert)) {
        if ((cert->dwCertEncodingType & X509_ASN_ENCODING) == 0 || cert->pbCertEncoded == nullptr) continue;
        out.emplace_back(cert->pbCertEncoded, cert->pbCertEncoded + cert->cbCertEncoded);
    }
    CertCloseStore(store, 0);
    return out;
}

}  // namespace netlab::platform
