#pragma once

// What pscd knows about its own certificate: for `pscd --check-config` and the expiry metric.

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace psc::service {

struct CertificateInfo {
  std::string subject;  // e.g. "CN=pscd"
  absl::Time not_after;
};

// The first certificate of the PEM chain in `cert_file`, once checked that the PEM private key
// in `key_file` is its key. INVALID_ARGUMENT naming --tls-cert or --tls-key when a file cannot
// be read or parsed, or when the key belongs to another certificate.
absl::StatusOr<CertificateInfo> ReadCertificate(const std::string& cert_file,
                                                const std::string& key_file);

}  // namespace psc::service
