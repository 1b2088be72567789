// Sessions ended before their cookie expires: by signing out, and by the provider's logouts.

#include "tools/web/session_revocations.h"

#include "gtest/gtest.h"

namespace psc::web {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1800000000);

Session SessionOf(const std::string& id, const std::string& subject, const std::string& sid,
                  absl::Time started) {
  Session session;
  session.id = id;
  session.subject = subject;
  session.provider_session = sid;
  session.started = started;
  return session;
}

TEST(SessionRevocationsTest, EachWayOfEndingEndsOnlyItsSessions) {
  SessionRevocations ended(absl::Hours(12));
  const Session mine = SessionOf("a", "u-1", "s-1", kNow);
  const Session my_other_browser = SessionOf("b", "u-1", "s-2", kNow);
  const Session someone_else = SessionOf("c", "u-2", "s-3", kNow);
  EXPECT_FALSE(ended.IsEnded(mine));

  ended.EndProviderSession("s-1", kNow + absl::Seconds(1));
  EXPECT_TRUE(ended.IsEnded(mine));
  EXPECT_FALSE(ended.IsEnded(my_other_browser));

  ended.EndSubject("u-1", kNow + absl::Seconds(2));
  EXPECT_TRUE(ended.IsEnded(my_other_browser));
  EXPECT_FALSE(ended.IsEnded(someone_else));
  // A sign-in after the logout is a new session.
  EXPECT_FALSE(ended.IsEnded(SessionOf("d", "u-1", "s-4", kNow + absl::Seconds(3))));

  ended.EndSession("c", kNow);
  EXPECT_TRUE(ended.IsEnded(someone_else));
  // Empty keys end nothing (a session without a provider session, say).
  ended.EndProviderSession("", kNow);
  EXPECT_FALSE(ended.IsEnded(SessionOf("e", "u-3", "", kNow)));
}

TEST(SessionRevocationsTest, WhatNoSessionCanOutliveIsForgotten) {
  SessionRevocations ended(absl::Hours(12));
  ended.EndSession("old", kNow);
  EXPECT_TRUE(ended.IsEnded(SessionOf("old", "", "", kNow)));
  ended.EndSession("new", kNow + absl::Hours(13));  // adding prunes
  EXPECT_FALSE(ended.IsEnded(SessionOf("old", "", "", kNow)));
  EXPECT_TRUE(ended.IsEnded(SessionOf("new", "", "", kNow)));
}

}  // namespace
}  // namespace psc::web
