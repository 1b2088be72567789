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
#include "absl/strings/str_split.h"

namespace psc::web {
namespace {

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

}  // namespace

SessionSigner::SessionSigner(std::string key) : key_(std::move(key)) {
  if (key_.size() < 32) {
    std::cerr << "psc-web: a session key needs at least 32 bytes\n";
    std::abort();
  }
}

SessionSigner SessionSigner::WithRandomKey() { return SessionSigner(RandomBytes(32)); }

Session SessionSigner::Start(std::string principal, absl::Time now, absl::Duration lifetime) const {
  return Session{absl::WebSafeBase64Escape(RandomBytes(18)), std::move(principal), now + lifetime};
}

std::string SessionSigner::Mac(absl::string_view text) const {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(text.data()), text.size(), mac, &size);
  return absl::WebSafeBase64Escape(
      absl::string_view(reinterpret_cast<const char*>(mac), static_cast<size_t>(size)));
}

// id.principal.expiry.mac: the id is web-safe base64 already, the principal is escaped so that
// its dots cannot move the fields.
std::string SessionSigner::Seal(const Session& session) const {
  const std::string text =
      absl::StrCat(session.id, ".", absl::WebSafeBase64Escape(session.principal), ".",
                   absl::ToUnixSeconds(session.expires));
  return absl::StrCat(text, ".", Mac(text));
}

std::optional<Session> SessionSigner::Open(absl::string_view cookie, absl::Time now) const {
  const std::vector<absl::string_view> parts = absl::StrSplit(cookie, '.');
  if (parts.size() != 4) return std::nullopt;
  const absl::string_view text = cookie.substr(0, cookie.size() - parts[3].size() - 1);
  if (!SameText(Mac(text), parts[3])) return std::nullopt;
  Session session;
  int64_t expires = 0;
  if (!absl::WebSafeBase64Unescape(parts[1], &session.principal) ||
      !absl::SimpleAtoi(parts[2], &expires)) {
    return std::nullopt;
  }
  session.id = std::string(parts[0]);
  session.expires = absl::FromUnixSeconds(expires);
  if (session.id.empty() || session.expires <= now) return std::nullopt;
  return session;
}

std::string SessionSigner::CsrfToken(const Session& session) const {
  return Mac(absl::StrCat("csrf.", session.id));
}

bool SessionSigner::CheckCsrf(const Session& session, absl::string_view token) const {
  return !token.empty() && SameText(CsrfToken(session), token);
}

}  // namespace psc::web
