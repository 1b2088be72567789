#include "server/auth/authenticator.h"

#include "absl/strings/str_cat.h"
#include "server/common/errors.h"

namespace psc::auth {

std::optional<absl::string_view> OnBehalfOf(const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find(kOnBehalfOfMetadata);
  if (it == metadata.end()) return std::nullopt;
  return absl::string_view(it->second.data(), it->second.size());
}

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

absl::StatusOr<Caller> Authenticator::Authenticate(
    const grpc::AuthContext& context, std::optional<absl::string_view> on_behalf_of) const {
  if (principals_path_.empty()) {
    if (on_behalf_of.has_value()) {
      return Error(absl::StatusCode::kPermissionDenied, "ON_BEHALF_OF_REFUSED",
                   "acting on behalf of a user needs mTLS and a principals file, not --insecure");
    }
    return Caller::Admin("insecure-loopback");
  }
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
  const bool gateway = caller->role == registry::v1::GATEWAY;
  if (!on_behalf_of.has_value()) {
    if (!gateway) return *caller;
    return Error(
        absl::StatusCode::kPermissionDenied, "GATEWAY_NEEDS_USER",
        absl::StrCat(identity, " is a gateway: it acts only on behalf of a user, named in ",
                     kOnBehalfOfMetadata, " metadata"));
  }
  if (!gateway) {
    return Error(absl::StatusCode::kPermissionDenied, "ON_BEHALF_OF_REFUSED",
                 absl::StrCat(identity, " may not act on behalf of others (", kOnBehalfOfMetadata,
                              " is for GATEWAY principals)"));
  }
  std::optional<Caller> user = Lookup(*on_behalf_of, identity);
  if (!user) {
    return Error(absl::StatusCode::kPermissionDenied, "UNKNOWN_PRINCIPAL",
                 absl::StrCat(*on_behalf_of, " (named by gateway ", identity,
                              ") is not a user in the principals file"));
  }
  return *user;
}

std::optional<Caller> Authenticator::Lookup(absl::string_view identity,
                                            absl::string_view channel) const {
  if (principals_path_.empty()) return Caller::Admin("insecure-loopback");
  std::shared_ptr<const Principals> principals;
  {
    MutexLock lock(&mu_);
    principals = principals_;
  }
  std::optional<Caller> caller = principals->Find(identity);
  if (channel.empty() || !caller.has_value()) return caller;
  std::optional<Caller> gateway = principals->Find(channel);
  if (!gateway.has_value() || gateway->role != registry::v1::GATEWAY ||
      caller->role == registry::v1::GATEWAY) {
    return std::nullopt;
  }
  caller->channel = std::string(channel);
  return caller;
}

}  // namespace psc::auth
