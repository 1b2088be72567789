#pragma once
// The OpenID provider's signing keys (its JWKS), fetched when first needed and again when a
// token names a key the set does not hold: a provider that rotated to a new key is followed at
// once, while tokens naming keys that do not exist cannot make psc-web fetch more than once a
// `refetch_interval`.

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/common/mutex.h"

struct _cjose_jwk_int;  // cjose_jwk_t

namespace psc::web::oidc {

// One public key as cjose holds it (released with the last reference).
using Jwk = std::shared_ptr<_cjose_jwk_int>;
using KeysById = std::map<std::string, Jwk, std::less<>>;

// The keys of a JWKS document by kid (a key without one under ""), the signing keys only;
// INVALID_ARGUMENT when `json` is not a key set or a key does not import.
absl::StatusOr<KeysById> ParseKeySet(absl::string_view json);

// Thread-safe.
class KeySet {
 public:
  // Fetches the JWKS document's text (a call to the provider's jwks_uri).
  using Fetcher = std::function<absl::StatusOr<std::string>()>;

  explicit KeySet(Fetcher fetch, absl::Duration refetch_interval = absl::Minutes(1));

  // The key `kid` names (a token without a kid: the only key, if the set holds one). Fetches the
  // set when it has none yet, or when it does not hold `kid` and the last such refetch was at
  // least refetch_interval before `now`. NOT_FOUND when the key is still unknown (naming the
  // kid), UNAVAILABLE when the set could not be fetched, INVALID_ARGUMENT when it did not parse.
  absl::StatusOr<Jwk> Find(absl::string_view kid, absl::Time now);

  // How many times the set was fetched (for tests and the log).
  int fetches() const;

 private:
  absl::Status FetchLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<Jwk> LookupLocked(absl::string_view kid) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Fetcher fetch_;
  const absl::Duration refetch_interval_;
  mutable Mutex mu_;
  bool fetched_ ABSL_GUARDED_BY(mu_) = false;
  int fetches_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Time last_refetch_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  KeysById keys_ ABSL_GUARDED_BY(mu_);
};

}  // namespace psc::web::oidc
