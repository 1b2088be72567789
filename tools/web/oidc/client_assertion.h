#pragma once
// private_key_jwt (OpenID Connect Core 9): psc-web proves itself to the token endpoint with a
// short-lived JWT signed by its own private key, which the provider knows by its public half;
// no shared secret.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "tools/web/oidc/key_set.h"

namespace psc::web::oidc {

// psc-web's signing key: a private JWK (RSA or EC) with a `kid`, as JSON. INVALID_ARGUMENT when
// it is not one, or has no private part.
class ClientKey {
 public:
  static absl::StatusOr<ClientKey> FromJwk(absl::string_view json);

  // A client assertion for `client_id` at `token_endpoint`: iss and sub the client, aud the
  // endpoint, a random jti, iat `now`, exp a minute later; RS256 for an RSA key, ES256/384/512
  // by an EC key's curve.
  absl::StatusOr<std::string> Assertion(absl::string_view client_id,
                                        absl::string_view token_endpoint, absl::Time now) const;

  const std::string& kid() const { return kid_; }

 private:
  ClientKey(Jwk key, std::string kid, std::string alg)
      : key_(std::move(key)), kid_(std::move(kid)), alg_(std::move(alg)) {}

  Jwk key_;
  std::string kid_;
  std::string alg_;
};

}  // namespace psc::web::oidc
