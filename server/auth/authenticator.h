#pragma once

#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "grpc/grpc_security_constants.h"
#include "grpcpp/security/auth_context.h"
#include "server/auth/principals.h"
#include "server/common/caller.h"
#include "server/common/mutex.h"

namespace psc::auth {

// Turns a call's transport identity into a Caller. Thread-safe; Reload may run
// while calls are being authenticated.
class Authenticator {
 public:
  // mTLS: the identity is the URI SAN of the verified client certificate, the role comes from
  // the principals file at `principals_path` (an error if it does not load).
  static absl::StatusOr<std::unique_ptr<Authenticator>> ForMutualTls(std::string principals_path);

  // Plaintext on loopback, for local development: every caller is an admin with the identity
  // "insecure-loopback".
  static std::unique_ptr<Authenticator> ForInsecureLoopback();

  // Rereads the principals file. On error the current principals stay in force and the error
  // says why. A no-op for ForInsecureLoopback.
  absl::Status Reload();

  // The caller of a call. PERMISSION_DENIED, reason UNKNOWN_PRINCIPAL, when the certificate has
  // no URI SAN or its identity is not in the principals file.
  absl::StatusOr<Caller> Authenticate(const grpc::AuthContext& context) const;

  // The caller the current principals give `identity`, or nullopt when they do not name it.
  // Open streams use it after a Reload to pick up revocations and role changes.
  std::optional<Caller> Lookup(absl::string_view identity) const;

 private:
  Authenticator() = default;

  std::string principals_path_;  // empty: insecure loopback
  mutable Mutex mu_;
  std::shared_ptr<const Principals> principals_ ABSL_GUARDED_BY(mu_);
};

}  // namespace psc::auth
