#pragma once

// The one place that decides the server's transport credentials.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/security/server_credentials.h"

namespace psc::service {

struct TransportSecurity {
  bool insecure = false;       // plaintext: loopback addresses only
  std::string cert_file;       // PEM server certificate (chain)
  std::string key_file;        // PEM private key
  std::string client_ca_file;  // PEM CA that client certificates must chain to
};

// mTLS credentials that require and verify a client certificate, or plaintext when
// `security.insecure`. INVALID_ARGUMENT naming the flag when a file is missing or unreadable.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const TransportSecurity& security);

// OK unless the file at `path` (named by `flag`) is writable by group or others: then
// INVALID_ARGUMENT, since whoever can write it could make themselves admin (principals) or
// impersonate the server (key). Readable by group or others is logged as a warning.
absl::Status CheckPrivateFile(const std::string& path, absl::string_view flag);

}  // namespace psc::service
