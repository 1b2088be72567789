#pragma once
// The checks of an ID token's and a logout token's claims (OpenID Connect Core 3.1.3.7,
// Back-Channel Logout 2.6), once their signature is right (jwt.h).

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "tools/web/oidc/json_object.h"

namespace psc::web::oidc {

struct ClaimChecks {
  std::string issuer;     // `iss` must be exactly this
  std::string client_id;  // `aud` must hold it (and `azp`, when present, be it)
  absl::Time now;
  absl::Duration skew = absl::Minutes(2);  // allowed between psc-web's clock and the provider's
};

// OK when `claims` are an ID token for psc-web from the provider, current and bound to `nonce`:
// iss, aud, azp (required with several audiences), exp (not past, within skew), iat (not
// ahead, within skew), nonce and sub. UNAUTHENTICATED naming the first claim that fails.
absl::Status CheckIdToken(const JsonObject& claims, const ClaimChecks& checks,
                          absl::string_view nonce);

// OK when `claims` are a back-channel logout token for psc-web: iss, aud, iat (within skew, and
// at most `max_age` old), the back-channel logout event, sub or sid, a jti, and no nonce.
// UNAUTHENTICATED naming the first claim that fails.
absl::Status CheckLogoutToken(const JsonObject& claims, const ClaimChecks& checks,
                              absl::Duration max_age = absl::Minutes(5));

}  // namespace psc::web::oidc
