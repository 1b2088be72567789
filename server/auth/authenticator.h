#pragma once

#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "grpc/grpc_security_constants.h"
#include "grpcpp/security/auth_context.h"
#include "grpcpp/server_context.h"
#include "server/auth/principals.h"
#include "server/common/caller.h"
#include "server/common/mutex.h"

namespace psc::auth {

// The call metadata in which a GATEWAY names the user it acts for (registry::v1::GATEWAY).
inline constexpr char kOnBehalfOfMetadata[] = "psc-on-behalf-of";

// The user a call's kOnBehalfOfMetadata names (a view into the call's metadata), if it has any.
std::optional<absl::string_view> OnBehalfOf(const grpc::ServerContextBase& context);

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

  // The caller of a call whose `psc-on-behalf-of` metadata (kOnBehalfOfMetadata) is
  // `on_behalf_of`, if it has any. A GATEWAY principal's call is the named user's, with the
  // gateway as its channel. PERMISSION_DENIED with reason UNKNOWN_PRINCIPAL when the certificate
  // has no URI SAN or its identity, or the named user, is not in the principals file (a gateway
  // is not a user); ON_BEHALF_OF_REFUSED when a caller that is not a GATEWAY (or any caller
  // with --insecure) names a user; GATEWAY_NEEDS_USER when a GATEWAY names none.
  absl::StatusOr<Caller> Authenticate(const grpc::AuthContext& context,
                                      std::optional<absl::string_view> on_behalf_of) const;

  // The caller the current principals give `identity`, reached through the gateway `channel`
  // ("" for a direct call); nullopt when they do not name it, or when `channel` is no longer a
  // GATEWAY or `identity` is one. Open streams use it after a Reload to pick up revocations and
  // role changes.
  std::optional<Caller> Lookup(absl::string_view identity, absl::string_view channel = "") const;

 private:
  Authenticator() = default;

  std::string principals_path_;  // empty: insecure loopback
  mutable Mutex mu_;
  std::shared_ptr<const Principals> principals_ ABSL_GUARDED_BY(mu_);
};

}  // namespace psc::auth
