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

// Whether `listen` ("host:port") is on a loopback address: 127.0.0.0/8, ::1 or localhost.
bool IsLoopbackListenAddress(const std::string& listen);

}  // namespace psc::service
