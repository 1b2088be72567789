#include "tools/web/oidc/relying_party.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "tools/web/oidc/claims.h"
#include "tools/web/oidc/http_fetch.h"
#include "tools/web/oidc/json_object.h"

namespace psc::web::oidc {
namespace {

bool IsHttpUrl(absl::string_view url) {
  return absl::StartsWith(url, "https://") || absl::StartsWith(url, "http://");
}

// `url` with `query` appended after '?' or '&'.
std::string WithQuery(const std::string& url, const std::string& query) {
  return absl::StrCat(url, absl::StrContains(url, "?") ? "&" : "?", query);
}

}  // namespace

absl::StatusOr<ProviderMetadata> ParseProviderMetadata(absl::string_view json,
                                                       absl::string_view issuer) {
  auto object = ParseJsonObject(json, "the provider's metadata");
  if (!object.ok()) return object.status();
  ProviderMetadata metadata{
      StringField(*object, "issuer"), StringField(*object, "authorization_endpoint"),
      StringField(*object, "token_endpoint"), StringField(*object, "jwks_uri"),
      StringField(*object, "end_session_endpoint")};
  if (metadata.issuer != issuer) {
    return absl::InvalidArgumentError(
        absl::StrCat("the provider's metadata names the issuer ", metadata.issuer.substr(0, 200),
                     ", not ", issuer, " (--oidc-issuer must be exactly the provider's)"));
  }
  for (const auto& [name, url] : {std::pair<const char*, const std::string&>{
                                      "authorization_endpoint", metadata.authorization_endpoint},
                                  {"token_endpoint", metadata.token_endpoint},
                                  {"jwks_uri", metadata.jwks_uri}}) {
    if (!IsHttpUrl(url)) {
      return absl::InvalidArgumentError(
          absl::StrCat("the provider's metadata has no http(s) ", name));
    }
  }
  if (!metadata.end_session_endpoint.empty() && !IsHttpUrl(metadata.end_session_endpoint)) {
    metadata.end_session_endpoint.clear();
  }
  return metadata;
}

RelyingParty::RelyingParty(RelyingPartyOptions options)
    : options_(std::move(options)), keys_([this] { return FetchKeySet(); }) {}

absl::StatusOr<ProviderMetadata> RelyingParty::Metadata(bool refresh) {
  {
    MutexLock lock(&mu_);
    if (metadata_.has_value() && !refresh) return *metadata_;
  }
  auto reply = Fetch({.url = absl::StrCat(absl::StripSuffix(options_.issuer, "/"),
                                          "/.well-known/openid-configuration"),
                      .ca_file = options_.ca_file,
                      .timeout = options_.timeout});
  if (!reply.ok()) return reply.status();
  if (reply->status != 200) {
    return absl::UnavailableError(
        absl::StrCat("the provider's metadata answered HTTP ", reply->status));
  }
  auto metadata = ParseProviderMetadata(reply->body, options_.issuer);
  if (!metadata.ok()) return metadata.status();
  MutexLock lock(&mu_);
  metadata_ = *metadata;
  return metadata;
}

absl::StatusOr<std::string> RelyingParty::FetchKeySet() {
  auto metadata = Metadata(false);
  if (!metadata.ok()) return metadata.status();
  auto reply =
      Fetch({.url = metadata->jwks_uri, .ca_file = options_.ca_file, .timeout = options_.timeout});
  if (!reply.ok()) return reply.status();
  if (reply->status != 200) {
    return absl::UnavailableError(
        absl::StrCat("the provider's keys answered HTTP ", reply->status));
  }
  return std::move(reply->body);
}

absl::StatusOr<RelyingParty::Start> RelyingParty::BeginSignIn(std::string next) {
  auto metadata = Metadata(true);
  if (!metadata.ok()) return metadata.status();
  Start start{NewSignInFlow(std::move(next)), ""};
  start.authorization_url = WithQuery(
      metadata->authorization_endpoint,
      absl::StrCat("response_type=code&client_id=", UrlEncode(options_.client_id), "&redirect_uri=",
                   UrlEncode(options_.redirect_uri), "&scope=", UrlEncode(options_.scopes),
                   "&state=", start.flow.state, "&nonce=", start.flow.nonce, "&code_challenge=",
                   CodeChallenge(start.flow.code_verifier), "&code_challenge_method=S256"));
  return start;
}

absl::StatusOr<SignedInUser> RelyingParty::FinishSignIn(const SignInFlow& flow,
                                                        absl::string_view state,
                                                        absl::string_view code,
                                                        absl::string_view error, absl::Time now) {
  auto redeemable = CodeOfCallback(flow, state, code, error);
  if (!redeemable.ok()) return redeemable.status();
  auto metadata = Metadata(false);
  if (!metadata.ok()) return metadata.status();
  HttpCall call{
      .url = metadata->token_endpoint,
      .form_body = absl::StrCat("grant_type=authorization_code&code=", UrlEncode(*redeemable),
                                "&redirect_uri=", UrlEncode(options_.redirect_uri),
                                "&code_verifier=", UrlEncode(flow.code_verifier)),
      .ca_file = options_.ca_file,
      .timeout = options_.timeout};
  if (options_.client_key != nullptr) {
    auto assertion = options_.client_key->Assertion(options_.client_id, call.url, now);
    if (!assertion.ok()) return assertion.status();
    absl::StrAppend(&call.form_body, "&client_id=", UrlEncode(options_.client_id),
                    "&client_assertion_type=",
                    UrlEncode("urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
                    "&client_assertion=", *assertion);
  } else {
    call.basic_user = options_.client_id;
    call.basic_password = options_.client_secret;
  }
  auto reply = Fetch(call);
  if (!reply.ok()) return reply.status();
  auto id_token = IdTokenOfReply(reply->status, reply->body);
  if (!id_token.ok()) return id_token.status();
  auto claims = VerifyJwt(*id_token, keys_, options_.algorithms, now);
  if (!claims.ok()) return claims.status();
  const ClaimChecks checks{options_.issuer, options_.client_id, now, options_.clock_skew};
  if (absl::Status checked = CheckIdToken(*claims, checks, flow.nonce); !checked.ok()) {
    return checked;
  }
  SignedInUser user;
  user.user = StringField(*claims, options_.user_claim);
  user.subject = StringField(*claims, "sub");
  user.provider_session = StringField(*claims, "sid");
  user.name = StringField(*claims, "name");
  if (!options_.groups_claim.empty()) user.groups = StringsField(*claims, options_.groups_claim);
  if (user.user.empty()) {
    return absl::UnauthenticatedError(
        absl::StrCat("sign-in refused: the ID token has no ", options_.user_claim, " claim"));
  }
  // An address the provider says it has not verified does not name anyone.
  if (options_.user_claim == "email" && claims->fields().count("email_verified") != 0 &&
      !claims->fields().at("email_verified").bool_value()) {
    return absl::UnauthenticatedError("sign-in refused: the provider has not verified the email");
  }
  if (user.name.empty()) user.name = user.user;
  return user;
}

absl::StatusOr<LogoutRequest> RelyingParty::CheckLogoutToken(absl::string_view logout_token,
                                                             absl::Time now) {
  auto claims = VerifyJwt(logout_token, keys_, options_.algorithms, now);
  if (!claims.ok()) return claims.status();
  const ClaimChecks checks{options_.issuer, options_.client_id, now, options_.clock_skew};
  if (absl::Status checked = oidc::CheckLogoutToken(*claims, checks); !checked.ok()) {
    return checked;
  }
  return LogoutRequest{StringField(*claims, "sub"), StringField(*claims, "sid")};
}

std::string RelyingParty::EndSessionUrl() {
  MutexLock lock(&mu_);
  if (!metadata_.has_value() || metadata_->end_session_endpoint.empty()) return "";
  return WithQuery(
      metadata_->end_session_endpoint,
      absl::StrCat("client_id=", UrlEncode(options_.client_id),
                   "&post_logout_redirect_uri=", UrlEncode(options_.post_logout_redirect_uri)));
}

}  // namespace psc::web::oidc
