// psc-web's signed session cookie and the CSRF tokens derived from it.

#include "tools/web/session.h"

#include "gtest/gtest.h"

namespace psc::web {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1800000000);
const std::string kKey(32, 'k');

TEST(SessionTest, ASealedSessionOpensToTheSameSession) {
  SessionSigner signer(kKey);
  Session session = signer.Start("spiffe://psc/x.y/lead", kNow, absl::Hours(1));
  auto opened = signer.Open(signer.Seal(session), kNow);
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(opened->id, session.id);
  EXPECT_EQ(opened->principal, "spiffe://psc/x.y/lead");  // dots in it do not move the fields
  EXPECT_EQ(opened->expires, kNow + absl::Hours(1));
}

TEST(SessionTest, EachSessionHasItsOwnId) {
  SessionSigner signer(kKey);
  EXPECT_NE(signer.Start("", kNow, absl::Hours(1)).id, signer.Start("", kNow, absl::Hours(1)).id);
}

TEST(SessionTest, AnAlteredOrForeignCookieDoesNotOpen) {
  SessionSigner signer(kKey);
  const std::string cookie = signer.Seal(signer.Start("reader", kNow, absl::Hours(1)));
  // Another principal under the same signature: "reader" -> "admin".
  Session forged = *signer.Open(cookie, kNow);
  forged.principal = "admin";
  const std::string sealed = signer.Seal(forged);
  const std::string swapped =
      sealed.substr(0, sealed.rfind('.')) + cookie.substr(cookie.rfind('.'));
  EXPECT_FALSE(signer.Open(swapped, kNow).has_value());
  EXPECT_FALSE(SessionSigner(std::string(32, 'o')).Open(cookie, kNow).has_value());
  for (const std::string& junk : {std::string(), std::string("a.b.c.d"), std::string("...."),
                                  cookie + ".", cookie.substr(1)}) {
    EXPECT_FALSE(signer.Open(junk, kNow).has_value()) << junk;
  }
}

TEST(SessionTest, AnExpiredSessionDoesNotOpen) {
  SessionSigner signer(kKey);
  const std::string cookie = signer.Seal(signer.Start("lead", kNow, absl::Hours(1)));
  EXPECT_TRUE(signer.Open(cookie, kNow + absl::Minutes(59)).has_value());
  EXPECT_FALSE(signer.Open(cookie, kNow + absl::Hours(1)).has_value());
}

// A session ends at its absolute end or when it has not been used for `idle`, whichever is
// first; what it carries of the provider survives the cookie.
TEST(SessionTest, ASessionEndsWhenIdleOrAtItsAbsoluteEnd) {
  SessionSigner signer(kKey);
  Session session = signer.Start("lead", kNow, absl::Hours(12), absl::Minutes(30));
  session.user = "jo@nhs.net";
  session.display_name = "Jo Bloggs";
  session.subject = "sub-1";
  session.provider_session = "sid.1";
  const std::string cookie = signer.Seal(session);
  auto opened = signer.Open(cookie, kNow + absl::Minutes(29));
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(opened->user, "jo@nhs.net");
  EXPECT_EQ(opened->display_name, "Jo Bloggs");
  EXPECT_EQ(opened->subject, "sub-1");
  EXPECT_EQ(opened->provider_session, "sid.1");
  EXPECT_EQ(opened->started, kNow);
  EXPECT_FALSE(signer.Open(cookie, kNow + absl::Minutes(30)).has_value());  // idle
  // Renewed by use, it still ends at the absolute end.
  session.idle_expires = kNow + absl::Hours(12) + absl::Minutes(30);
  const std::string renewed = signer.Seal(session);
  EXPECT_TRUE(signer.Open(renewed, kNow + absl::Hours(11)).has_value());
  EXPECT_FALSE(signer.Open(renewed, kNow + absl::Hours(12)).has_value());
}

// A value sealed for a short-lived cookie opens only as sealed, and only before it expires.
TEST(SessionTest, ASealedValueOpensUntilItExpires) {
  SessionSigner signer(kKey);
  const std::string sealed = signer.SealValue("state.nonce", kNow + absl::Minutes(10));
  EXPECT_EQ(signer.OpenValue(sealed, kNow), "state.nonce");
  EXPECT_FALSE(signer.OpenValue(sealed, kNow + absl::Minutes(10)).has_value());
  EXPECT_FALSE(SessionSigner(std::string(32, 'o')).OpenValue(sealed, kNow).has_value());
  // Not interchangeable with a session cookie, either way.
  EXPECT_FALSE(signer.Open(sealed, kNow).has_value());
  EXPECT_FALSE(signer.OpenValue(signer.Seal(signer.Start("x", kNow, absl::Hours(1))), kNow));
}

TEST(SessionTest, ACsrfTokenBelongsToItsSession) {
  SessionSigner signer(kKey);
  Session mine = signer.Start("lead", kNow, absl::Hours(1));
  Session other = signer.Start("lead", kNow, absl::Hours(1));
  const std::string token = signer.CsrfToken(mine);
  EXPECT_TRUE(signer.CheckCsrf(mine, token));
  EXPECT_FALSE(signer.CheckCsrf(other, token));
  EXPECT_FALSE(signer.CheckCsrf(mine, ""));
  EXPECT_FALSE(signer.CheckCsrf(mine, token.substr(1)));
  EXPECT_FALSE(SessionSigner(std::string(32, 'o')).CheckCsrf(mine, token));
}

}  // namespace
}  // namespace psc::web
