#pragma once
// psc-web's HTTP side: who each request is (a session signed in through the OpenID provider, a
// trusted proxy's user header, or the dev login's session), the security every response carries
// (signed HttpOnly SameSite=Strict cookies, a CSRF token on every form, a strict
// Content-Security-Policy, size and rate limits), static assets, and the routes to each page.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "httplib.h"
#include "psc/client/registry_client.h"
#include "server/common/mutex.h"
#include "server/common/token_bucket.h"
#include "tools/web/oidc/relying_party.h"
#include "tools/web/page_request.h"
#include "tools/web/session.h"
#include "tools/web/session_revocations.h"
#include "tools/web/static_files.h"
#include "tools/web/users.h"

namespace psc::web {

// psc-web's documented limit on request bodies (docs/web.md).
inline constexpr size_t kMaxBodyBytes = 64 << 10;

struct WebOptions {
  // Offer a page to sign in as any user of the users file, without a proxy. Loopback only.
  bool dev_login = false;
  // Addresses whose `user_header` names the signed-in user (the authenticating proxy's).
  std::vector<std::string> trusted_proxies;
  std::string user_header = "X-Forwarded-User";
  // nhsuk-frontend's dist/nhsuk directory (served at /nhsuk/) and psc-web's own (at /static/).
  std::string nhsuk_dir;
  std::string static_dir;
  // Mark cookies Secure (when psc-web or its proxy serves HTTPS).
  bool secure_cookies = false;
  // Per client address: a sustained rate and a burst, beyond which requests get 429.
  double requests_per_second = 20;
  double request_burst = 100;
  // Request bodies beyond this get 413; a form may use all of it (WebApp::Form).
  size_t max_body_bytes = kMaxBodyBytes;
  // A session ends this long after sign-in, or after `session_idle` without a request.
  absl::Duration session_lifetime = absl::Hours(12);
  absl::Duration session_idle = absl::Hours(1);
  // Whom to ask for access, on the page of someone signed in whom psc-web does not know.
  std::string access_contact = "your patient safety lead or the national PSC team";
};

// The stylesheets and scripts of every page (the NHS.UK frontend's from `nhsuk_dir`, psc-web's
// own from `static_dir`), hashed and compressed once. Without `nhs_fonts`, the stylesheet's
// @font-face rules (Frutiger, from assets.nhs.uk) are left out. NOT_FOUND naming a missing file.
absl::StatusOr<StaticFiles> LoadAssets(const std::string& nhsuk_dir, const std::string& static_dir,
                                       bool nhs_fonts);

// The value of the cookie `name` the request carries, "" when none.
std::string CookieValue(const httplib::Request& request, absl::string_view name);
// `path` when it is a path on this site, else "/search": what may follow a sign-in (no open
// redirect).
std::string LocalPath(const std::string& path);

// Logs one sign-in event (sign-in, sign-out, back-channel-logout): the user as the provider
// named them, the outcome and the reason, each cut and escaped; never a token or code.
void LogSignIn(absl::string_view event, absl::string_view user, absl::string_view outcome,
               absl::string_view reason = "");

class WebApp {
 public:
  // `gateway` is psc-web's own client (a GATEWAY certificate); it must outlive the app. With
  // `oidc` (which must outlive it too), people sign in through the OpenID provider.
  WebApp(WebOptions options, client::RegistryClient* gateway, Users users, SessionSigner signer,
         StaticFiles assets, oidc::RelyingParty* oidc = nullptr);

  // Adds every route and handler to `server`.
  void Register(httplib::Server& server);

 private:
  using Handler = std::function<void(PageRequest&)>;

  // Wraps a page: resolves the viewer (or answers sign-in / refusal), checks a POST's CSRF
  // token, and runs `handler` with a client acting for the viewer.
  httplib::Server::Handler Page(Handler handler);
  // Wraps a POST handler: reads the body itself, up to options_.max_body_bytes (else 413), and
  // hands `handler` the request with the form's fields among its params. httplib's own reading
  // refuses forms over 8 KiB, a limit compiled into Debian's libcpp-httplib.
  httplib::Server::HandlerWithContentReader Form(httplib::Server::Handler handler);
  // The session of `request`, a new one (set on `response`) when it has none that is valid.
  Session SessionOf(const httplib::Request& request, httplib::Response& response) const;
  void SetSessionCookie(httplib::Response& response, const Session& session) const;
  // The principal `request` acts for: from a trusted proxy's header or the dev session; ""
  // when nobody is signed in. An unknown proxy user is an error.
  absl::StatusOr<std::string> PrincipalOf(const httplib::Request& request,
                                          const Session& session) const;
  // Whether `request` came from a trusted proxy and names its user.
  bool FromTrustedProxy(const httplib::Request& request) const;
  // The rate limit: whether `key` (a user behind the proxy, else an address) may go on.
  bool TakeToken(const std::string& key);
  // Whether sessions carry who is signed in (the dev login, OpenID Connect).
  bool SessionsSignIn() const { return options_.dev_login || oidc_ != nullptr; }
  // Renews `session`'s idle end when a minute or more of it has passed (set on `response`):
  // a session in use lives to its absolute end.
  void RenewIdle(Session& session, httplib::Response& response) const;
  void LoginPage(const httplib::Request& request, httplib::Response& response);
  void Login(const httplib::Request& request, httplib::Response& response);
  void Logout(const httplib::Request& request, httplib::Response& response);
  // OpenID Connect (sign_in_oidc.cc): the start of a sign-in (to the provider), its callback,
  // the provider's back-channel logout, and the page after signing out.
  void OidcSignIn(const httplib::Request& request, httplib::Response& response);
  void OidcCallback(const httplib::Request& request, httplib::Response& response);
  void BackchannelLogout(const httplib::Request& request, httplib::Response& response);
  void SignedOutPage(const httplib::Request& request, httplib::Response& response);
  // A page for someone who is not signed in, or whom psc-web does not know.
  void Plain(httplib::Response& response, int status, const std::string& title,
             const std::string& message) const;

  const WebOptions options_;
  client::RegistryClient* const gateway_;
  const Users users_;
  const SessionSigner signer_;
  const StaticFiles assets_;
  oidc::RelyingParty* const oidc_;
  SessionRevocations revocations_;

  Mutex buckets_mu_;  // psc::Mutex: ThreadSanitizer cannot see absl::Mutex (docs/testing.md)
  std::map<std::string, TokenBucket> buckets_ ABSL_GUARDED_BY(buckets_mu_);
};

}  // namespace psc::web
