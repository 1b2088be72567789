// libFuzzer target: what psc-web reads during an OpenID Connect sign-in that a browser or a
// provider controls. The first byte picks: the callback's query (parsed as psc-web's HTTP
// server parses it, then its state, code and error checked against a sign-in flow) and the
// flow cookie's text; the token endpoint's reply, its ID token through the signature and claim
// checks; or a key set and provider metadata document.

#include <cjose/jwk.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "httplib.h"
#include "tools/web/oidc/claims.h"
#include "tools/web/oidc/jwt.h"
#include "tools/web/oidc/key_set.h"
#include "tools/web/oidc/relying_party.h"
#include "tools/web/oidc/sign_in_flow.h"

namespace oidc = psc::web::oidc;

namespace {

// A key set of one RSA key, made once.
oidc::KeySet& Keys() {
  static oidc::KeySet* keys = [] {
    static const uint8_t kExponent[] = {0x01, 0x00, 0x01};
    cjose_jwk_t* key = cjose_jwk_create_RSA_random(2048, kExponent, sizeof(kExponent), nullptr);
    cjose_jwk_set_kid(key, "k1", 2, nullptr);
    char* json = cjose_jwk_to_json(key, false, nullptr);
    const std::string set = std::string(R"({"keys": [)") + json + "]}";
    free(json);
    cjose_jwk_release(key);
    return new oidc::KeySet([set]() -> absl::StatusOr<std::string> { return set; });
  }();
  return *keys;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const absl::Time now = absl::FromUnixSeconds(1800000000);
  switch (data[0] % 3) {
    case 0: {
      static const oidc::SignInFlow flow = oidc::NewSignInFlow("/search");
      httplib::Params params;
      httplib::detail::parse_query_text(input, params);
      auto get = [&](const char* key) {
        auto it = params.find(key);
        return it == params.end() ? std::string() : it->second;
      };
      auto code = oidc::CodeOfCallback(flow, get("state"), get("code"), get("error"));
      // Only the flow's own state passes, and then the code is the one sent.
      if (code.ok() && (get("state") != flow.state || *code != get("code"))) std::abort();
      if (auto decoded = oidc::DecodeFlow(input)) {
        auto again = oidc::DecodeFlow(oidc::EncodeFlow(*decoded));
        if (!again || again->state != decoded->state || again->next != decoded->next) std::abort();
      }
      break;
    }
    case 1: {
      for (long status : {200L, 400L}) {
        auto token = oidc::IdTokenOfReply(status, input);
        if (!token.ok()) continue;
        auto claims = oidc::VerifyJwt(*token, Keys(), oidc::DefaultSigningAlgorithms(), now);
        // Nothing signed by the key made above can come from the fuzzer.
        if (claims.ok()) std::abort();
      }
      auto claims = oidc::ParseJsonObject(input, "claims");
      if (claims.ok()) {
        const oidc::ClaimChecks checks{"https://issuer", "psc-web", now};
        (void)oidc::CheckIdToken(*claims, checks, "nonce");
        (void)oidc::CheckLogoutToken(*claims, checks);
      }
      break;
    }
    default:
      (void)oidc::ParseKeySet(input);
      (void)oidc::ParseProviderMetadata(input, "https://issuer");
  }
  return 0;
}
