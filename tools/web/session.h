#pragma once
// psc-web's session cookie: who is signed in (with --dev-login or OpenID Connect) and the secret
// its forms' CSRF tokens derive from, signed with HMAC-SHA256 so a browser cannot forge or alter
// it. A session ends at an absolute time and after a spell of inactivity, whichever is first.

#include <algorithm>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace psc::web {

struct Session {
  std::string id;         // random; what CSRF tokens are bound to
  std::string principal;  // the pscd principal signed in, or "" (nobody, or proxy mode)
  // OpenID Connect only: the user as the provider named them (the --oidc-user-claim), how pages
  // name them, and the provider's subject and session id (which back-channel logouts name).
  std::string user;
  std::string display_name;
  std::string subject;
  std::string provider_session;
  absl::Time started;
  absl::Time expires;       // the absolute end
  absl::Time idle_expires;  // the end if nothing more is asked of psc-web; renewed by use

  // The time the session ends, whichever end comes first.
  absl::Time End() const { return std::min(expires, idle_expires); }
};

// Thread-safe (immutable after construction).
class SessionSigner {
 public:
  // `key` signs every cookie; at least 32 bytes.
  explicit SessionSigner(std::string key);
  // A signer with a fresh random key: sessions end when psc-web restarts.
  static SessionSigner WithRandomKey();

  // A new session (random id) for `principal`, valid for `lifetime` from `now`, and for `idle`
  // without use (at most `lifetime`).
  Session Start(std::string principal, absl::Time now, absl::Duration lifetime,
                absl::Duration idle = absl::InfiniteDuration()) const;

  // The cookie value carrying `session`.
  std::string Seal(const Session& session) const;
  // The session a cookie value carries, if its signature is right and it has not ended.
  std::optional<Session> Open(absl::string_view cookie, absl::Time now) const;

  // Any text, signed: `text` comes back from OpenValue only as sealed, and only before
  // `expires`. For short-lived cookies other than the session's (the sign-in flow's).
  std::string SealValue(absl::string_view text, absl::Time expires) const;
  std::optional<std::string> OpenValue(absl::string_view sealed, absl::Time now) const;

  // The CSRF token of `session`'s forms, and whether `token` is it (in constant time).
  std::string CsrfToken(const Session& session) const;
  bool CheckCsrf(const Session& session, absl::string_view token) const;

 private:
  std::string Mac(absl::string_view text) const;  // web-safe base64 of HMAC-SHA256(key, text)

  std::string key_;
};

}  // namespace psc::web
