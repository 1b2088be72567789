#include "tools/web/session.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cstdlib>
#include <iostream>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace psc::web {
namespace {

// The text fields of a session, in the order a cookie carries them.
constexpr int kTextFields = 6;
// ... then started, expires, idle_expires (Unix milliseconds), then the MAC.
constexpr int kCookieParts = kTextFields + 4;

std::string RandomBytes(size_t n) {
  std::string bytes(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(n)) != 1) {
    std::cerr << "psc-web: no randomness for sessions\n";
    std::abort();
  }
  return bytes;
}

bool SameText(absl::string_view a, absl::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string* TextField(Session& session, int index) {
  std::string* fields[kTextFields] = {&session.id,      &session.principal,
                                      &session.user,    &session.display_name,
                                      &session.subject, &session.provider_session};
  return fields[index];
}

}  // namespace

SessionSigner::SessionSigner(std::string key) : key_(std::move(key)) {
  if (key_.size() < 32) {
    std::cerr << "psc-web: a session key needs at least 32 bytes\n";
    std::abort();
  }
}

SessionSigner SessionSigner::WithRandomKey() { return SessionSigner(RandomBytes(32)); }

Session SessionSigner::Start(std::string principal, absl::Time now, absl::Duration lifetime,
                             absl::Duration idle) const {
  Session session;
  session.id = absl::WebSafeBase64Escape(RandomBytes(18));
  session.principal = std::move(principal);
  session.started = now;
  session.expires = now + lifetime;
  session.idle_expires = now + std::min(idle, lifetime);
  return session;
}

std::string SessionSigner::Mac(absl::string_view text) const {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(text.data()), text.size(), mac, &size);
  return absl::WebSafeBase64Escape(
      absl::string_view(reinterpret_cast<const char*>(mac), static_cast<size_t>(size)));
}

// Each text field web-safe base64 (so that dots in a principal cannot move the fields), the
// times in Unix milliseconds, '.' between them and the MAC of the rest last.
std::string SessionSigner::Seal(const Session& session) const {
  Session copy = session;
  std::vector<std::string> parts;
  for (int i = 0; i < kTextFields; ++i)
    parts.push_back(absl::WebSafeBase64Escape(*TextField(copy, i)));
  for (absl::Time t : {session.started, session.expires, session.idle_expires}) {
    parts.push_back(absl::StrCat(absl::ToUnixMillis(t)));
  }
  const std::string text = absl::StrJoin(parts, ".");
  return absl::StrCat(text, ".", Mac(text));
}

std::optional<Session> SessionSigner::Open(absl::string_view cookie, absl::Time now) const {
  const std::vector<absl::string_view> parts = absl::StrSplit(cookie, '.');
  if (parts.size() != kCookieParts) return std::nullopt;
  const absl::string_view text = cookie.substr(0, cookie.size() - parts.back().size() - 1);
  if (!SameText(Mac(text), parts.back())) return std::nullopt;
  Session session;
  for (int i = 0; i < kTextFields; ++i) {
    if (!absl::WebSafeBase64Unescape(parts[i], TextField(session, i))) return std::nullopt;
  }
  absl::Time* times[] = {&session.started, &session.expires, &session.idle_expires};
  for (int i = 0; i < 3; ++i) {
    int64_t millis = 0;
    if (!absl::SimpleAtoi(parts[kTextFields + i], &millis)) return std::nullopt;
    *times[i] = absl::FromUnixMillis(millis);
  }
  if (session.id.empty() || session.End() <= now) return std::nullopt;
  return session;
}

std::string SessionSigner::SealValue(absl::string_view text, absl::Time expires) const {
  const std::string body =
      absl::StrCat(absl::WebSafeBase64Escape(text), ".", absl::ToUnixSeconds(expires));
  return absl::StrCat(body, ".", Mac(absl::StrCat("value.", body)));
}

std::optional<std::string> SessionSigner::OpenValue(absl::string_view sealed,
                                                    absl::Time now) const {
  const std::vector<absl::string_view> parts = absl::StrSplit(sealed, '.');
  if (parts.size() != 3) return std::nullopt;
  const absl::string_view body = sealed.substr(0, sealed.size() - parts[2].size() - 1);
  if (!SameText(Mac(absl::StrCat("value.", body)), parts[2])) return std::nullopt;
  std::string text;
  int64_t expires = 0;
  if (!absl::WebSafeBase64Unescape(parts[0], &text) || !absl::SimpleAtoi(parts[1], &expires) ||
      absl::FromUnixSeconds(expires) <= now) {
    return std::nullopt;
  }
  return text;
}

std::string SessionSigner::CsrfToken(const Session& session) const {
  return Mac(absl::StrCat("csrf.", session.id));
}

bool SessionSigner::CheckCsrf(const Session& session, absl::string_view token) const {
  return !token.empty() && SameText(CsrfToken(session), token);
}

}  // namespace psc::web
