#pragma once
// Signed JWTs from the OpenID provider (ID tokens, logout tokens): the signature checked by cjose
// against the provider's key set, the algorithm taken only from an allow-list.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "tools/web/oidc/json_object.h"
#include "tools/web/oidc/key_set.h"

namespace psc::web::oidc {

// The longest token accepted; providers' ID tokens are one or two KiB.
inline constexpr size_t kMaxTokenBytes = 16 << 10;

// The asymmetric algorithms psc-web accepts by default. Never "none", never HMAC (whose key
// would be the client secret, shared with the provider).
const std::vector<std::string>& DefaultSigningAlgorithms();

// Whether `alg` is one psc-web can check at all (those of DefaultSigningAlgorithms).
bool IsKnownSigningAlgorithm(absl::string_view alg);

// The claims of `token` (a JWS in compact form) once its signature is right: the header's `alg`
// must be in `allowed` and fit its key's type, the key is the one `kid` names in `keys`
// (refetched as KeySet says). UNAUTHENTICATED for a token that is malformed or over
// kMaxTokenBytes, uses another algorithm, names an unknown key or whose signature is wrong;
// UNAVAILABLE when the key set could not be fetched. Claims are checked by claims.h.
absl::StatusOr<JsonObject> VerifyJwt(absl::string_view token, KeySet& keys,
                                     const std::vector<std::string>& allowed, absl::Time now);

}  // namespace psc::web::oidc
