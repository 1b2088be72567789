#include "tools/web/oidc/jwt.h"

#include <cjose/header.h>
#include <cjose/jwk.h>
#include <cjose/jws.h>

#include <algorithm>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace psc::web::oidc {
namespace {

// The key type an algorithm's family needs: RS and PS are RSA, ES is EC.
bool FitsKey(absl::string_view alg, cjose_jwk_kty_t kty) {
  if (absl::StartsWith(alg, "RS") || absl::StartsWith(alg, "PS")) return kty == CJOSE_JWK_KTY_RSA;
  if (absl::StartsWith(alg, "ES")) return kty == CJOSE_JWK_KTY_EC;
  return false;
}

// Whether `token` is a compact JWS in form: three unpadded base64url parts, none empty, none of
// a length base64 cannot have, within a bound. cjose is handed nothing else: Debian's build
// asserts on some malformed input (found by tests/fuzz/oidc_fuzzer), and a logout token comes
// from anyone who can reach psc-web.
bool IsCompactJws(absl::string_view token) {
  if (token.empty() || token.size() > kMaxTokenBytes) return false;
  int parts = 1;
  size_t part_size = 0;
  for (char c : token) {
    if (c == '.') {
      if (part_size == 0 || part_size % 4 == 1) return false;
      ++parts;
      part_size = 0;
    } else if (absl::ascii_isalnum(c) || c == '-' || c == '_') {
      ++part_size;
    } else {
      return false;
    }
  }
  return parts == 3 && part_size != 0 && part_size % 4 != 1;
}

absl::Status Refused(absl::string_view why) {
  return absl::UnauthenticatedError(absl::StrCat("the token is refused: ", why));
}

}  // namespace

const std::vector<std::string>& DefaultSigningAlgorithms() {
  static const auto* algs = new std::vector<std::string>{
      "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"};
  return *algs;
}

bool IsKnownSigningAlgorithm(absl::string_view alg) {
  const auto& known = DefaultSigningAlgorithms();
  return std::find(known.begin(), known.end(), alg) != known.end();
}

absl::StatusOr<JsonObject> VerifyJwt(absl::string_view token, KeySet& keys,
                                     const std::vector<std::string>& allowed, absl::Time now) {
  if (!IsCompactJws(token)) return Refused("not a signed JWT");
  cjose_err error;
  std::unique_ptr<cjose_jws_t, decltype(&cjose_jws_release)> jws(
      cjose_jws_import(token.data(), token.size(), &error), cjose_jws_release);
  if (jws == nullptr) return Refused("not a signed JWT");
  cjose_header_t* header = cjose_jws_get_protected(jws.get());  // owned by jws
  const char* alg = header != nullptr ? cjose_header_get(header, CJOSE_HDR_ALG, &error) : nullptr;
  if (alg == nullptr) return Refused("no alg");
  if (!IsKnownSigningAlgorithm(alg) ||
      std::find(allowed.begin(), allowed.end(), alg) == allowed.end()) {
    return Refused(absl::StrCat("alg ", std::string(alg).substr(0, 20), " is not allowed"));
  }
  const char* kid = cjose_header_get(header, CJOSE_HDR_KID, &error);
  auto key = keys.Find(kid != nullptr ? kid : "", now);
  if (!key.ok()) {
    if (key.status().code() == absl::StatusCode::kNotFound) return Refused(key.status().message());
    return key.status();
  }
  if (!FitsKey(alg, cjose_jwk_get_kty(key->get(), &error))) {
    return Refused(absl::StrCat("alg ", alg, " does not fit the key's type"));
  }
  if (!cjose_jws_verify(jws.get(), key->get(), &error)) return Refused("the signature is wrong");
  uint8_t* plaintext = nullptr;
  size_t size = 0;
  if (!cjose_jws_get_plaintext(jws.get(), &plaintext, &size, &error)) return Refused("no payload");
  auto claims = ParseJsonObject(absl::string_view(reinterpret_cast<const char*>(plaintext), size),
                                "the token's payload");
  if (!claims.ok()) return Refused(claims.status().message());
  return claims;
}

}  // namespace psc::web::oidc
