#pragma once
// What psc-web reads from the browser and the provider during a sign-in, without the network:
// the flow's state (carried in a signed cookie from the start to the callback), the callback's
// parameters, and the token endpoint's reply. Pure functions, fuzzed (tests/fuzz).

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace psc::web::oidc {

// One sign-in between its start and the provider's callback.
struct SignInFlow {
  std::string state;          // returned by the provider: ties the callback to this browser
  std::string nonce;          // returned inside the ID token: ties the token to this sign-in
  std::string code_verifier;  // PKCE (S256): only this sign-in can redeem the code
  std::string next;           // the local path to show once signed in
};

// A new flow with fresh random state, nonce and verifier (32 random bytes each).
SignInFlow NewSignInFlow(std::string next);
// The flow as text for the signed cookie, and back (nullopt for anything else).
std::string EncodeFlow(const SignInFlow& flow);
std::optional<SignInFlow> DecodeFlow(absl::string_view text);

// The PKCE S256 challenge of `verifier`: base64url(SHA-256(verifier)), unpadded.
std::string CodeChallenge(absl::string_view verifier);

// The authorization code of a callback to `flow`: UNAUTHENTICATED when `state` is not the
// flow's (compared in constant time), when the provider sent `error` (naming it, at most 100
// characters), or when there is no code.
absl::StatusOr<std::string> CodeOfCallback(const SignInFlow& flow, absl::string_view state,
                                           absl::string_view code, absl::string_view error);

// The ID token of the token endpoint's reply (`status`, `body`): UNAUTHENTICATED when the
// provider refused the code (naming its `error`) or the reply has no id_token; UNAVAILABLE for
// a server error (5xx).
absl::StatusOr<std::string> IdTokenOfReply(long status, absl::string_view body);

}  // namespace psc::web::oidc
