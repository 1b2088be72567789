#pragma once
// psc-web as an OpenID Connect Relying Party: discovery, the Authorization Code flow with PKCE,
// the token request (client_secret_basic or private_key_jwt), the ID token checked in full,
// back-channel logout tokens, and RP-initiated logout.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/common/mutex.h"
#include "tools/web/oidc/client_assertion.h"
#include "tools/web/oidc/jwt.h"
#include "tools/web/oidc/key_set.h"
#include "tools/web/oidc/sign_in_flow.h"

namespace psc::web::oidc {

struct RelyingPartyOptions {
  std::string issuer;  // exactly as the provider's metadata and tokens name it
  std::string client_id;
  // How psc-web proves itself at the token endpoint: a secret (client_secret_basic), or, when
  // set, its own key (private_key_jwt).
  std::string client_secret;
  std::shared_ptr<const ClientKey> client_key;
  std::string scopes = "openid email profile";
  // The claim that names the user in the users file: email, preferred_username or sub.
  std::string user_claim = "email";
  // The claim listing the user's groups ("" for none).
  std::string groups_claim;
  // psc-web's own URLs, as registered with the provider.
  std::string redirect_uri;              // .../oidc/callback
  std::string post_logout_redirect_uri;  // .../signed-out
  std::string ca_file;                   // CAs to trust for the provider's HTTPS ("": the system's)
  std::vector<std::string> algorithms = DefaultSigningAlgorithms();
  absl::Duration clock_skew = absl::Minutes(2);
  absl::Duration timeout = absl::Seconds(5);  // each call to the provider
};

// The provider's metadata that psc-web uses (/.well-known/openid-configuration).
struct ProviderMetadata {
  std::string issuer;
  std::string authorization_endpoint;
  std::string token_endpoint;
  std::string jwks_uri;
  std::string end_session_endpoint;  // "" when the provider has no RP-initiated logout
};

// The metadata in `json` for `issuer`: INVALID_ARGUMENT when it names another issuer or lacks
// an endpoint psc-web needs.
absl::StatusOr<ProviderMetadata> ParseProviderMetadata(absl::string_view json,
                                                       absl::string_view issuer);

// Someone the provider signed in.
struct SignedInUser {
  std::string user;              // the user claim's value
  std::string subject;           // sub
  std::string provider_session;  // sid, when the provider gives one
  std::string name;              // the name claim, else `user`
  std::vector<std::string> groups;
};

// What a back-channel logout ends: the sessions of `subject`, or only the provider session
// `provider_session` when the token names one.
struct LogoutRequest {
  std::string subject;
  std::string provider_session;
};

// Thread-safe.
class RelyingParty {
 public:
  explicit RelyingParty(RelyingPartyOptions options);

  // A new sign-in: its flow (for the signed cookie) and the URL to send the browser to. Fetches
  // the provider's metadata each time, so that a provider that does not answer is said at once
  // (UNAVAILABLE) rather than by the browser failing to reach it.
  struct Start {
    SignInFlow flow;
    std::string authorization_url;
  };
  absl::StatusOr<Start> BeginSignIn(std::string next);

  // The user of the provider's callback to `flow` (its state, code and error parameters): the
  // code redeemed with the verifier, the ID token's signature and claims checked. UNAUTHENTICATED
  // with the reason when anything is refused; UNAVAILABLE when the provider does not answer.
  absl::StatusOr<SignedInUser> FinishSignIn(const SignInFlow& flow, absl::string_view state,
                                            absl::string_view code, absl::string_view error,
                                            absl::Time now);

  // What a back-channel `logout_token` ends, once its signature and claims are checked;
  // UNAUTHENTICATED otherwise.
  absl::StatusOr<LogoutRequest> CheckLogoutToken(absl::string_view logout_token, absl::Time now);

  // The provider's end-session URL (with client_id and post_logout_redirect_uri), or "" when
  // it has none or its metadata is not known.
  std::string EndSessionUrl();

  const RelyingPartyOptions& options() const { return options_; }

 private:
  // The provider's metadata, fetched when `refresh` or when not yet known.
  absl::StatusOr<ProviderMetadata> Metadata(bool refresh);
  absl::StatusOr<std::string> FetchKeySet();

  const RelyingPartyOptions options_;
  KeySet keys_;
  Mutex mu_;
  std::optional<ProviderMetadata> metadata_ ABSL_GUARDED_BY(mu_);
};

}  // namespace psc::web::oidc
