#include "server/auth/authenticator.h"

#include "absl/strings/str_cat.h"
#include "server/common/errors.h"

namespace psc::auth {

absl::StatusOr<std::unique_ptr<Authenticator>> Authenticator::ForMutualTls(
    std::string principals_path) {
  auto principals = Principals::Load(principals_path);
  if (!principals.ok()) return principals.status();
  std::unique_ptr<Authenticator> auth(new Authenticator);
  auth->principals_path_ = std::move(principals_path);
  MutexLock lock(&auth->mu_);
  auth->principals_ = *std::move(principals);
  return auth;
}

std::unique_ptr<Authenticator> Authenticator::ForInsecureLoopback() {
  return std::unique_ptr<Authenticator>(new Authenticator);
}

absl::Status Authenticator::Reload() {
  if (principals_path_.empty()) return absl::OkStatus();
  auto principals = Principals::Load(principals_path_);
  if (!principals.ok()) return principals.status();
  MutexLock lock(&mu_);
  principals_ = *std::move(principals);
  return absl::OkStatus();
}

absl::StatusOr<Caller> Authenticator::Authenticate(const grpc::AuthContext& context) const {
  if (principals_path_.empty()) return Caller::Admin("insecure-loopback");
  std::vector<grpc::string_ref> uris = context.FindPropertyValues(GRPC_PEER_URI_PROPERTY_NAME);
  if (uris.size() != 1) {
    return Error(absl::StatusCode::kPermissionDenied, "UNKNOWN_PRINCIPAL",
                 "the client certificate must carry exactly one URI SAN (the caller's identity)");
  }
  std::string identity(uris[0].data(), uris[0].size());
  std::optional<Caller> caller = Lookup(identity);
  if (!caller) {
    return Error(absl::StatusCode::kPermissionDenied, "UNKNOWN_PRINCIPAL",
                 absl::StrCat(identity, " is not in the principals file"));
  }
  return *caller;
}

std::optional<Caller> Authenticator::Lookup(absl::string_view identity) const {
  if (principals_path_.empty()) return Caller::Admin("insecure-loopback");
  std::shared_ptr<const Principals> principals;
  {
    MutexLock lock(&mu_);
    principals = principals_;
  }
  return principals->Find(identity);
}

}  // namespace psc::auth
