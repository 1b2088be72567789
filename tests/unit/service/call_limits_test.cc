// Per-identity limits, without a server.

#include "server/service/calls/call_limits.h"

#include "gtest/gtest.h"
#include "server/common/errors.h"

namespace psc::service {
namespace {

namespace v1 = registry::v1;

const Caller kLead{"lead", v1::LEAD, "collaboratives/wessex"};
const Caller kOtherLead{"other", v1::LEAD, "collaboratives/oxford"};

TEST(CallLimitsTest, WritesBeyondTheBurstAreRefusedWithWhenToRetry) {
  ManualClock clock;
  CallLimits limits({.writes_per_second = 10, .write_burst = 3}, &clock);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limits.Admit(kLead, Cost::kWrite).ok()) << i;
  auto refused = limits.Admit(kLead, Cost::kWrite);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ErrorReason(refused.status()), "RATE_LIMITED");
  EXPECT_NE(refused.status().message().find("10 writes a second"), std::string::npos);
  // Another identity has its own bucket; reads are never limited.
  EXPECT_TRUE(limits.Admit(kOtherLead, Cost::kWrite).ok());
  EXPECT_TRUE(limits.Admit(kLead, Cost::kRead).ok());
  EXPECT_NE(refused.status().message().find("retry in 100ms"), std::string::npos);
  // The bucket refills at the rate: one token every 100 ms.
  clock.Advance(absl::Milliseconds(99));
  EXPECT_FALSE(limits.Admit(kLead, Cost::kWrite).ok());
  clock.Advance(absl::Milliseconds(1));
  EXPECT_TRUE(limits.Admit(kLead, Cost::kWrite).ok());
  EXPECT_FALSE(limits.Admit(kLead, Cost::kWrite).ok());
}

TEST(CallLimitsTest, ABatchTakesATokenAWriteAndMayLeaveTheBucketInDebt) {
  ManualClock clock;
  CallLimits limits({.writes_per_second = 10, .write_burst = 5}, &clock);
  // Admitted with 5 left though it writes 8: it waits no longer than a single write would...
  EXPECT_TRUE(limits.Admit(kLead, Cost::kWrite, 8).ok());
  // ... and the 3 it borrowed are paid back before the next write (4 tokens: 400 ms at 10/s).
  auto refused = limits.Admit(kLead, Cost::kWrite);
  ASSERT_EQ(ErrorReason(refused.status()), "RATE_LIMITED");
  clock.Advance(absl::Milliseconds(390));
  EXPECT_FALSE(limits.Admit(kLead, Cost::kWrite).ok());
  clock.Advance(absl::Milliseconds(10));
  EXPECT_TRUE(limits.Admit(kLead, Cost::kWrite).ok());
}

TEST(CallLimitsTest, ExpensiveCallsAreCappedUntilOneEnds) {
  CallLimits limits({.max_expensive_calls = 2});
  auto first = limits.Admit(kLead, Cost::kExpensive);
  auto second = limits.Admit(kLead, Cost::kExpensive);
  ASSERT_TRUE(first.ok() && second.ok());
  auto third = limits.Admit(kLead, Cost::kExpensive);
  EXPECT_EQ(ErrorReason(third.status()), "RATE_LIMITED");
  EXPECT_TRUE(limits.Admit(kOtherLead, Cost::kExpensive).ok());
  CallLimits::Slot copy = *first;  // the slot is held while any copy lives
  first->reset();
  EXPECT_FALSE(limits.Admit(kLead, Cost::kExpensive).ok());
  copy.reset();
  EXPECT_TRUE(limits.Admit(kLead, Cost::kExpensive).ok());
}

TEST(CallLimitsTest, AdminsAreExemptUnlessLimited) {
  const Caller admin = Caller::Admin("national");
  CallLimits exempt({.writes_per_second = 1, .write_burst = 1, .max_expensive_calls = 1});
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(exempt.Admit(admin, Cost::kWrite).ok());
  CallLimits limited(
      {.writes_per_second = 1, .write_burst = 1, .max_expensive_calls = 1, .limit_admins = true});
  EXPECT_TRUE(limited.Admit(admin, Cost::kWrite).ok());
  EXPECT_FALSE(limited.Admit(admin, Cost::kWrite).ok());
}

TEST(CallLimitsTest, ZeroMeansNoLimit) {
  CallLimits none({.writes_per_second = 0, .max_expensive_calls = 0});
  std::vector<CallLimits::Slot> held;
  for (int i = 0; i < 1000; ++i) {
    EXPECT_TRUE(none.Admit(kLead, Cost::kWrite).ok());
    auto slot = none.Admit(kLead, Cost::kExpensive);
    ASSERT_TRUE(slot.ok());
    held.push_back(*slot);
  }
}

}  // namespace
}  // namespace psc::service
