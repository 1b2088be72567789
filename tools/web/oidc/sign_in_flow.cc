#include "tools/web/oidc/sign_in_flow.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cstdlib>
#include <iostream>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tools/web/oidc/json_object.h"

namespace psc::web::oidc {
namespace {

std::string RandomToken() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    std::cerr << "psc-web: no randomness for sign-ins\n";
    std::abort();
  }
  return absl::WebSafeBase64Escape(
      absl::string_view(reinterpret_cast<char*>(bytes), sizeof(bytes)));
}

absl::Status Refused(absl::string_view why) {
  return absl::UnauthenticatedError(absl::StrCat("sign-in refused: ", why));
}

}  // namespace

SignInFlow NewSignInFlow(std::string next) {
  return SignInFlow{RandomToken(), RandomToken(), RandomToken(), std::move(next)};
}

// Each field web-safe base64, joined by '.'.
std::string EncodeFlow(const SignInFlow& flow) {
  return absl::StrCat(
      absl::WebSafeBase64Escape(flow.state), ".", absl::WebSafeBase64Escape(flow.nonce), ".",
      absl::WebSafeBase64Escape(flow.code_verifier), ".", absl::WebSafeBase64Escape(flow.next));
}

std::optional<SignInFlow> DecodeFlow(absl::string_view text) {
  const std::vector<absl::string_view> parts = absl::StrSplit(text, '.');
  if (parts.size() != 4) return std::nullopt;
  SignInFlow flow;
  if (!absl::WebSafeBase64Unescape(parts[0], &flow.state) ||
      !absl::WebSafeBase64Unescape(parts[1], &flow.nonce) ||
      !absl::WebSafeBase64Unescape(parts[2], &flow.code_verifier) ||
      !absl::WebSafeBase64Unescape(parts[3], &flow.next) || flow.state.empty() ||
      flow.nonce.empty() || flow.code_verifier.empty()) {
    return std::nullopt;
  }
  return flow;
}

std::string CodeChallenge(absl::string_view verifier) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(), digest);
  return absl::WebSafeBase64Escape(
      absl::string_view(reinterpret_cast<char*>(digest), sizeof(digest)));
}

absl::StatusOr<std::string> CodeOfCallback(const SignInFlow& flow, absl::string_view state,
                                           absl::string_view code, absl::string_view error) {
  if (state.size() != flow.state.size() ||
      CRYPTO_memcmp(state.data(), flow.state.data(), state.size()) != 0) {
    return Refused("the state is not this browser's sign-in");
  }
  if (!error.empty()) {
    return Refused(absl::StrCat("the provider answered ", absl::CHexEscape(error.substr(0, 100))));
  }
  if (code.empty()) return Refused("the provider sent no code");
  return std::string(code);
}

absl::StatusOr<std::string> IdTokenOfReply(long status, absl::string_view body) {
  if (status >= 500) {
    return absl::UnavailableError(absl::StrCat("the token endpoint answered HTTP ", status));
  }
  auto reply = ParseJsonObject(body, "the token endpoint's reply");
  if (status != 200) {
    const std::string error = reply.ok() ? StringField(*reply, "error") : "";
    return Refused(absl::StrCat("the token endpoint refused the code (HTTP ", status,
                                error.empty() ? "" : ", ", absl::CHexEscape(error.substr(0, 100)),
                                ")"));
  }
  if (!reply.ok()) return Refused(reply.status().message());
  const std::string id_token = StringField(*reply, "id_token");
  if (id_token.empty()) return Refused("the token endpoint's reply has no id_token");
  return id_token;
}

}  // namespace psc::web::oidc
