// psc-web's OpenID Connect checks without a provider: ID and logout tokens signed here with
// cjose, checked by the code psc-web runs (jwt.h, claims.h, key_set.h, sign_in_flow.h).

#include <cjose/header.h>
#include <cjose/jwk.h>
#include <cjose/jws.h>

#include <map>
#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tools/web/oidc/claims.h"
#include "tools/web/oidc/client_assertion.h"
#include "tools/web/oidc/jwt.h"
#include "tools/web/oidc/key_set.h"
#include "tools/web/oidc/sign_in_flow.h"

namespace psc::web::oidc {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1800000000);
constexpr char kIssuer[] = "https://login.example.nhs.uk";
constexpr char kClient[] = "psc-web";

// An RSA key pair with `kid`, made once per test binary (2048-bit keys take a moment).
cjose_jwk_t* RsaKey(const std::string& kid) {
  static const uint8_t kExponent[] = {0x01, 0x00, 0x01};
  cjose_jwk_t* key = cjose_jwk_create_RSA_random(2048, kExponent, sizeof(kExponent), nullptr);
  cjose_jwk_set_kid(key, kid.data(), kid.size(), nullptr);
  return key;
}
cjose_jwk_t* FirstKey() {
  static cjose_jwk_t* key = RsaKey("first");
  return key;
}
cjose_jwk_t* RotatedKey() {
  static cjose_jwk_t* key = RsaKey("rotated");
  return key;
}
cjose_jwk_t* ForgedKey() {  // never published
  static cjose_jwk_t* key = RsaKey("forged");
  return key;
}

std::string KeySetOf(std::initializer_list<cjose_jwk_t*> keys) {
  std::string json = R"({"keys": [)";
  for (cjose_jwk_t* key : keys) {
    char* text = cjose_jwk_to_json(key, false, nullptr);
    absl::StrAppend(&json, json.back() == '[' ? "" : ",", text);
    free(text);
  }
  return json + "]}";
}

// A JWS of `payload` under a header of `alg` and `kid`, signed with `key`.
std::string Sign(cjose_jwk_t* key, const std::string& payload, const std::string& alg = "RS256",
                 const std::string& kid = "first") {
  cjose_header_t* header = cjose_header_new(nullptr);
  cjose_header_set(header, CJOSE_HDR_ALG, alg.c_str(), nullptr);
  if (!kid.empty()) cjose_header_set(header, CJOSE_HDR_KID, kid.c_str(), nullptr);
  cjose_jws_t* jws = cjose_jws_sign(key, header, reinterpret_cast<const uint8_t*>(payload.data()),
                                    payload.size(), nullptr);
  cjose_header_release(header);
  if (jws == nullptr) return "";
  const char* compact = nullptr;
  cjose_jws_export(jws, &compact, nullptr);
  std::string out = compact;
  cjose_jws_release(jws);
  return out;
}

// The claims of a good ID token for this sign-in (issued at `issued`, for five minutes), each
// value raw JSON; `changes` replace or add claims, and an empty value removes one.
std::string IdClaims(const std::map<std::string, std::string>& changes = {},
                     int64_t issued = 1800000000) {
  std::map<std::string, std::string> claims = {{"iss", absl::StrCat("\"", kIssuer, "\"")},
                                               {"aud", absl::StrCat("\"", kClient, "\"")},
                                               {"sub", "\"u-1\""},
                                               {"nonce", "\"n-1\""},
                                               {"iat", absl::StrCat(issued)},
                                               {"exp", absl::StrCat(issued + 300)},
                                               {"email", "\"jo@nhs.net\""}};
  for (const auto& [name, value] : changes) claims[name] = value;
  std::string json;
  for (const auto& [name, value] : claims) {
    if (!value.empty())
      absl::StrAppend(&json, json.empty() ? "{" : ", ", "\"", name, "\": ", value);
  }
  return json + "}";
}

class OidcTest : public ::testing::Test {
 protected:
  absl::StatusOr<JsonObject> Verify(const std::string& token,
                                    std::vector<std::string> allowed = DefaultSigningAlgorithms()) {
    return VerifyJwt(token, keys_, allowed, kNow);
  }
  absl::Status CheckId(const std::string& claims_json, absl::Time now = kNow) {
    auto claims = ParseJsonObject(claims_json, "claims");
    EXPECT_TRUE(claims.ok()) << claims.status();
    return CheckIdToken(*claims, {kIssuer, kClient, now}, "n-1");
  }

  std::string published_ = KeySetOf({FirstKey()});
  int fetched_ = 0;
  KeySet keys_{[this]() -> absl::StatusOr<std::string> {
    ++fetched_;
    return published_;
  }};
};

TEST_F(OidcTest, AGoodTokenPassesEveryCheck) {
  auto claims = Verify(Sign(FirstKey(), IdClaims()));
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(StringField(*claims, "email"), "jo@nhs.net");
  EXPECT_TRUE(CheckId(IdClaims()).ok());
  // Several audiences with psc-web as the authorized party.
  EXPECT_TRUE(
      CheckId(IdClaims({{"aud", R"(["psc-web", "other"])"}, {"azp", R"("psc-web")"}})).ok());
}

TEST_F(OidcTest, ASignatureThatIsWrongOrAbsentIsRefused) {
  // Signed by a key the provider never published, under a kid it did.
  EXPECT_EQ(Verify(Sign(ForgedKey(), IdClaims())).status().code(),
            absl::StatusCode::kUnauthenticated);
  // The payload altered after signing.
  std::string token = Sign(FirstKey(), IdClaims());
  const size_t dot = token.find('.');
  const std::string altered = token.substr(0, dot + 1) +
                              absl::WebSafeBase64Escape(IdClaims({{"admin", "true"}})) +
                              token.substr(token.rfind('.'));
  EXPECT_EQ(Verify(altered).status().code(), absl::StatusCode::kUnauthenticated);
  // alg "none": no signature at all.
  const std::string none = absl::StrCat(absl::WebSafeBase64Escape(R"({"alg":"none"})"), ".",
                                        absl::WebSafeBase64Escape(IdClaims()), ".");
  auto refused = Verify(none);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnauthenticated);
  // HMAC, keyed with something the attacker knows (the classic confusion): never allowed.
  const std::string secret = "the client secret, or the public key's text";
  cjose_jwk_t* oct = cjose_jwk_create_oct_spec(reinterpret_cast<const uint8_t*>(secret.data()),
                                               secret.size(), nullptr);
  const std::string hmac = Sign(oct, IdClaims(), "HS256");
  cjose_jwk_release(oct);
  ASSERT_FALSE(hmac.empty());
  auto hmac_refused = Verify(hmac);
  EXPECT_EQ(hmac_refused.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(hmac_refused.status().message().find("alg HS256 is not allowed"), std::string::npos);
  // An allowed family but not on this provider's list.
  EXPECT_FALSE(Verify(Sign(FirstKey(), IdClaims(), "PS256"), {"RS256"}).ok());
  // Malformed compact forms never reach cjose (Debian's asserts on some): padding, a part of a
  // length base64 cannot have, a fourth part, a token over the bound.
  std::string padded = token;
  padded.insert(token.find('.') + 3, "=");
  for (const std::string& junk :
       {std::string(), std::string("a.b.c"), std::string("...."), std::string("e30.e30.e30"),
        padded, token + ".e30", std::string("e30.e30.x"), std::string(kMaxTokenBytes + 1, 'a')}) {
    EXPECT_EQ(Verify(junk).status().code(), absl::StatusCode::kUnauthenticated) << junk;
  }
}

// A token of the longest size accepted passes; a few bytes more is refused before cjose.
TEST_F(OidcTest, ATokenAtTheSizeBoundPassesAndOneOverItIsRefused) {
  std::string at_bound, over;
  for (size_t pad = 11800; at_bound.empty() || over.empty(); ++pad) {
    const std::string token =
        Sign(FirstKey(), IdClaims({{"padding", absl::StrCat("\"", std::string(pad, 'p'), "\"")}}));
    if (token.size() == kMaxTokenBytes || token.size() == kMaxTokenBytes - 1) at_bound = token;
    if (token.size() > kMaxTokenBytes) over = token;
    ASSERT_LT(pad, 12800u);
  }
  auto passed = Verify(at_bound);
  EXPECT_TRUE(passed.ok()) << at_bound.size() << " bytes: " << passed.status();
  auto refused = Verify(over);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnauthenticated) << over.size();
  EXPECT_NE(refused.status().message().find("not a signed JWT"), std::string::npos);
}

TEST_F(OidcTest, EachClaimThatIsWrongIsNamed) {
  struct Case {
    std::string claims;
    absl::Time now;
    const char* says;
  };
  for (const Case& c : {
           Case{IdClaims({{"iss", R"("https://evil.example")"}}), kNow, "iss"},
           Case{IdClaims({{"aud", R"("another-client")"}}), kNow, "aud"},
           Case{IdClaims({{"aud", R"(["psc-web", "other"])"}}), kNow, "azp is missing"},
           Case{IdClaims({{"azp", R"("other")"}}), kNow, "azp is another client"},
           Case{IdClaims(), kNow + absl::Minutes(5) + absl::Minutes(2), "expired"},
           Case{IdClaims({}, 1800000000 + 121), kNow, "iat is in the future"},
           Case{IdClaims({{"nonce", R"("n-2")"}}), kNow, "nonce"},
           Case{IdClaims({{"nonce", ""}}), kNow, "nonce"},
           Case{IdClaims({{"sub", R"("")"}}), kNow, "sub"},
           Case{IdClaims({{"exp", ""}}), kNow, "exp is missing"},
           Case{IdClaims({{"iat", ""}}), kNow, "iat is missing"},
           Case{IdClaims({{"iat", R"("soon")"}}), kNow, "iat is missing"},
           Case{IdClaims({{"exp", "1e300"}}), kNow, ""},  // absurd but not past: fine
       }) {
    absl::Status checked = CheckId(c.claims, c.now);
    if (std::string(c.says).empty()) {
      EXPECT_TRUE(checked.ok()) << checked;
      continue;
    }
    EXPECT_EQ(checked.code(), absl::StatusCode::kUnauthenticated) << c.claims;
    EXPECT_NE(checked.message().find(c.says), std::string::npos) << checked;
  }
  // Within the skew either way: accepted.
  EXPECT_TRUE(CheckId(IdClaims({}, 1800000000 + 119)).ok());
  EXPECT_TRUE(CheckId(IdClaims(), kNow + absl::Minutes(5) + absl::Seconds(119)).ok());
}

// A provider that rotated to a new key is followed at once; a kid it never published refetches
// at most once a minute, and is refused.
TEST_F(OidcTest, AnUnknownKidRefetchesTheKeysAtMostOnceAMinute) {
  ASSERT_TRUE(Verify(Sign(FirstKey(), IdClaims())).ok());
  EXPECT_EQ(fetched_, 1);
  published_ = KeySetOf({RotatedKey(), FirstKey()});
  auto rotated = Verify(Sign(RotatedKey(), IdClaims(), "RS256", "rotated"));
  EXPECT_TRUE(rotated.ok()) << rotated.status();
  EXPECT_EQ(fetched_, 2);
  // A forged kid within the minute: refused without another fetch.
  auto forged = Verify(Sign(ForgedKey(), IdClaims(), "RS256", "forged"));
  EXPECT_EQ(forged.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(forged.status().message().find("no key \"forged\""), std::string::npos);
  EXPECT_EQ(fetched_, 2);
  // A minute on, it may fetch once more; still refused.
  EXPECT_FALSE(VerifyJwt(Sign(ForgedKey(), IdClaims(), "RS256", "forged"), keys_,
                         DefaultSigningAlgorithms(), kNow + absl::Minutes(1))
                   .ok());
  EXPECT_EQ(fetched_, 3);
}

TEST_F(OidcTest, AKeySetThatCannotBeFetchedIsUnavailable) {
  KeySet down(
      []() -> absl::StatusOr<std::string> { return absl::UnavailableError("connection refused"); });
  EXPECT_EQ(VerifyJwt(Sign(FirstKey(), IdClaims()), down, DefaultSigningAlgorithms(), kNow)
                .status()
                .code(),
            absl::StatusCode::kUnavailable);
  for (const char* bad : {"", "[]", R"({"keys": 1})"}) {
    EXPECT_EQ(ParseKeySet(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  // Encryption keys and keys cjose cannot read are left out, the rest kept.
  auto keys = ParseKeySet(R"({"keys": [{"kty": "RSA", "use": "enc", "kid": "e", "n": "AQAB",
      "e": "AQAB"}, {"kty": "OKP", "kid": "x"}]})");
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_TRUE(keys->empty());
}

TEST_F(OidcTest, ALogoutTokenIsCheckedAsTheSpecSays) {
  const std::string event =
      R"("events": {"http://schemas.openid.net/event/backchannel-logout": {}})";
  auto check = [&](const std::string& claims_json) {
    auto claims = ParseJsonObject(claims_json, "claims");
    EXPECT_TRUE(claims.ok()) << claims_json;
    return CheckLogoutToken(*claims, {kIssuer, kClient, kNow});
  };
  const std::string base = absl::StrCat(R"({"iss": ")", kIssuer, R"(", "aud": "psc-web", "iat": )",
                                        1800000000, R"(, "jti": "j1", )");
  EXPECT_TRUE(check(base + event + R"(, "sid": "s1"})").ok());
  EXPECT_TRUE(check(base + event + R"(, "sub": "u-1"})").ok());
  EXPECT_FALSE(check(base + event + "}").ok());                      // neither sub nor sid
  EXPECT_FALSE(check(base + R"("events": {}, "sid": "s1"})").ok());  // no logout event
  EXPECT_FALSE(check(base + event + R"(, "sid": "s1", "nonce": "n"})").ok());  // a nonce
  EXPECT_FALSE(
      check(absl::StrCat(R"({"iss": ")", kIssuer, R"(", "aud": "psc-web", "iat": )",
                         1800000000 - 3600, R"(, "jti": "j", )", event, R"(, "sid": "s"})"))
          .ok());  // an hour old
}

// private_key_jwt: the assertion is signed by psc-web's key (checked here with its public half,
// as the provider checks it), for the token endpoint, and lives a minute.
TEST_F(OidcTest, AClientAssertionIsSignedForTheTokenEndpoint) {
  char* private_json = cjose_jwk_to_json(RotatedKey(), true, nullptr);
  auto key = ClientKey::FromJwk(private_json);
  free(private_json);
  ASSERT_TRUE(key.ok()) << key.status();
  auto assertion = key->Assertion("psc-web", "https://login.example.nhs.uk/token", kNow);
  ASSERT_TRUE(assertion.ok()) << assertion.status();
  published_ = KeySetOf({RotatedKey()});
  auto claims = Verify(*assertion, {"RS256"});
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(StringField(*claims, "iss"), "psc-web");
  EXPECT_EQ(StringField(*claims, "sub"), "psc-web");
  EXPECT_EQ(StringField(*claims, "aud"), "https://login.example.nhs.uk/token");
  EXPECT_EQ(*NumberField(*claims, "exp") - *NumberField(*claims, "iat"), 60);
  EXPECT_NE(StringField(*claims, "jti"),
            StringField(*Verify(*key->Assertion("psc-web", "t", kNow), {"RS256"}), "jti"));
  // A public key, a key without a kid, and something else are refused, saying why.
  char* public_json = cjose_jwk_to_json(RotatedKey(), false, nullptr);
  EXPECT_NE(ClientKey::FromJwk(public_json).status().message().find("no \"d\""), std::string::npos);
  free(public_json);
  EXPECT_EQ(ClientKey::FromJwk(R"({"kty": "RSA", "d": "x"})").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ClientKey::FromJwk("not json").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(SignInFlowTest, AFlowRoundTripsAndTheCallbackMustCarryItsState) {
  SignInFlow flow = NewSignInFlow("/experts?skill=HUMAN_FACTORS");
  EXPECT_EQ(flow.state.size(), 43u);  // 32 random bytes, base64url
  EXPECT_NE(flow.state, NewSignInFlow("/").state);
  auto again = DecodeFlow(EncodeFlow(flow));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->next, flow.next);
  EXPECT_EQ(again->code_verifier, flow.code_verifier);
  for (const char* junk : {"", "a.b.c", "...", "!.a.b.c"}) EXPECT_FALSE(DecodeFlow(junk)) << junk;
  // RFC 7636 appendix B's example.
  EXPECT_EQ(CodeChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  EXPECT_EQ(*CodeOfCallback(flow, flow.state, "c1", ""), "c1");
  EXPECT_EQ(CodeOfCallback(flow, "wrong", "c1", "").status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(CodeOfCallback(flow, "", "c1", "").status().code(), absl::StatusCode::kUnauthenticated);
  auto denied = CodeOfCallback(flow, flow.state, "", "access_denied");
  EXPECT_NE(denied.status().message().find("access_denied"), std::string::npos);
  EXPECT_FALSE(CodeOfCallback(flow, flow.state, "", "").ok());
}

TEST(SignInFlowTest, TheTokenReplyGivesItsIdTokenOrWhyNot) {
  EXPECT_EQ(*IdTokenOfReply(200, R"({"id_token": "a.b.c", "access_token": "x"})"), "a.b.c");
  auto refused = IdTokenOfReply(400, R"({"error": "invalid_grant"})");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(refused.status().message().find("invalid_grant"), std::string::npos);
  EXPECT_EQ(IdTokenOfReply(503, "").status().code(), absl::StatusCode::kUnavailable);
  EXPECT_FALSE(IdTokenOfReply(200, R"({"access_token": "x"})").ok());
  EXPECT_FALSE(IdTokenOfReply(200, "not json").ok());
}

}  // namespace
}  // namespace psc::web::oidc
