#pragma once
// psc-web's session cookie: who is signed in (with --dev-login) and the secret its forms' CSRF
// tokens derive from, signed with HMAC-SHA256 so a browser cannot forge or alter it.

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace psc::web {

struct Session {
  std::string id;         // random; what CSRF tokens are bound to
  std::string principal;  // the pscd principal signed in with --dev-login, or "" (proxy mode)
  absl::Time expires;
};

// Thread-safe (immutable after construction).
class SessionSigner {
 public:
  // `key` signs every cookie; at least 32 bytes.
  explicit SessionSigner(std::string key);
  // A signer with a fresh random key: sessions end when psc-web restarts.
  static SessionSigner WithRandomKey();

  // A new session (random id) for `principal`, valid for `lifetime` from `now`.
  Session Start(std::string principal, absl::Time now, absl::Duration lifetime) const;

  // The cookie value carrying `session`.
  std::string Seal(const Session& session) const;
  // The session a cookie value carries, if its signature is right and it has not expired.
  std::optional<Session> Open(absl::string_view cookie, absl::Time now) const;

  // The CSRF token of `session`'s forms, and whether `token` is it (in constant time).
  std::string CsrfToken(const Session& session) const;
  bool CheckCsrf(const Session& session, absl::string_view token) const;

 private:
  std::string Mac(absl::string_view text) const;  // web-safe base64 of HMAC-SHA256(key, text)

  std::string key_;
};

}  // namespace psc::web
