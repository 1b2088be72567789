#include "tools/web/oidc/client_assertion.h"

#include <cjose/header.h>
#include <cjose/jwk.h>
#include <cjose/jws.h>
#include <openssl/rand.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "tools/web/oidc/json_object.h"

namespace psc::web::oidc {

absl::StatusOr<ClientKey> ClientKey::FromJwk(absl::string_view json) {
  auto object = ParseJsonObject(json, "the client key");
  if (!object.ok()) return object.status();
  if (StringField(*object, "d").empty()) {
    return absl::InvalidArgumentError("the client key is not a private JWK (it has no \"d\")");
  }
  const std::string kid = StringField(*object, "kid");
  if (kid.empty()) return absl::InvalidArgumentError("the client key has no \"kid\"");
  cjose_err error;
  cjose_jwk_t* jwk = cjose_jwk_import(json.data(), json.size(), &error);
  if (jwk == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("the client key does not import: ", error.message));
  }
  Jwk key(jwk, [](cjose_jwk_t* k) { cjose_jwk_release(k); });
  switch (cjose_jwk_get_kty(jwk, &error)) {
    case CJOSE_JWK_KTY_RSA:
      return ClientKey(std::move(key), kid, "RS256");
    case CJOSE_JWK_KTY_EC: {
      const std::string curve = StringField(*object, "crv");
      if (curve == "P-256") return ClientKey(std::move(key), kid, "ES256");
      if (curve == "P-384") return ClientKey(std::move(key), kid, "ES384");
      if (curve == "P-521") return ClientKey(std::move(key), kid, "ES512");
      return absl::InvalidArgumentError("the client key's curve must be P-256, P-384 or P-521");
    }
    default:
      return absl::InvalidArgumentError("the client key must be an RSA or EC key");
  }
}

absl::StatusOr<std::string> ClientKey::Assertion(absl::string_view client_id,
                                                 absl::string_view token_endpoint,
                                                 absl::Time now) const {
  unsigned char random[18];
  if (RAND_bytes(random, sizeof(random)) != 1) return absl::InternalError("no randomness");
  google::protobuf::Struct claims;
  auto& fields = *claims.mutable_fields();
  fields["iss"].set_string_value(std::string(client_id));
  fields["sub"].set_string_value(std::string(client_id));
  fields["aud"].set_string_value(std::string(token_endpoint));
  fields["jti"].set_string_value(absl::WebSafeBase64Escape(
      absl::string_view(reinterpret_cast<char*>(random), sizeof(random))));
  fields["iat"].set_number_value(static_cast<double>(absl::ToUnixSeconds(now)));
  fields["exp"].set_number_value(static_cast<double>(absl::ToUnixSeconds(now + absl::Minutes(1))));
  std::string payload;
  (void)google::protobuf::util::MessageToJsonString(claims, &payload);

  cjose_err error;
  std::unique_ptr<cjose_header_t, decltype(&cjose_header_release)> header(cjose_header_new(&error),
                                                                          cjose_header_release);
  if (header == nullptr || !cjose_header_set(header.get(), CJOSE_HDR_ALG, alg_.c_str(), &error) ||
      !cjose_header_set(header.get(), CJOSE_HDR_KID, kid_.c_str(), &error) ||
      !cjose_header_set(header.get(), "typ", "JWT", &error)) {
    return absl::InternalError("cannot make the client assertion's header");
  }
  std::unique_ptr<cjose_jws_t, decltype(&cjose_jws_release)> jws(
      cjose_jws_sign(key_.get(), header.get(), reinterpret_cast<const uint8_t*>(payload.data()),
                     payload.size(), &error),
      cjose_jws_release);
  const char* compact = nullptr;
  if (jws == nullptr || !cjose_jws_export(jws.get(), &compact, &error)) {
    return absl::InternalError(absl::StrCat("cannot sign the client assertion: ", error.message));
  }
  return std::string(compact);
}

}  // namespace psc::web::oidc
