// The small pieces server and tools share: the token bucket, the stoppable thread, the loopback
// check and the clocks.

#include <atomic>

#include "gtest/gtest.h"
#include "server/common/clock.h"
#include "server/common/loopback.h"
#include "server/common/stoppable_thread.h"
#include "server/common/token_bucket.h"
#include "tests/testing/eventually.h"

namespace psc {
namespace {

TEST(TokenBucketTest, StartsFullRefillsAtTheRateAndNeverPastTheBurst) {
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  TokenBucket bucket(/*rate=*/2, /*burst=*/3, t0);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(bucket.Take(t0)) << i;
  EXPECT_FALSE(bucket.Take(t0));
  EXPECT_EQ(bucket.WaitForOne(), absl::Milliseconds(500));
  EXPECT_FALSE(bucket.Take(t0 + absl::Milliseconds(499)));
  EXPECT_TRUE(bucket.Take(t0 + absl::Milliseconds(500)));
  // An hour idle refills to the burst, not beyond.
  const absl::Time later = t0 + absl::Hours(1);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(bucket.Take(later)) << i;
  EXPECT_FALSE(bucket.Take(later));
}

TEST(TokenBucketTest, ABatchMayBorrowAndLaterTakesRepayIt) {
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  TokenBucket bucket(/*rate=*/10, /*burst=*/5, t0);
  EXPECT_TRUE(bucket.Take(t0, 8));  // one token is enough to start; 3 borrowed
  EXPECT_FALSE(bucket.Take(t0));
  EXPECT_EQ(bucket.WaitForOne(), absl::Milliseconds(400));  // from -3 to 1 at 10 a second
  EXPECT_TRUE(bucket.Take(t0 + absl::Milliseconds(400)));
}

TEST(TokenBucketTest, TimeGoingBackwardsTakesNothingBack) {
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  TokenBucket bucket(/*rate=*/1, /*burst=*/1, t0);
  EXPECT_TRUE(bucket.Take(t0));
  EXPECT_FALSE(bucket.Take(t0 - absl::Seconds(5)));
  EXPECT_TRUE(bucket.Take(t0 + absl::Seconds(1)));
}

TEST(StoppableThreadTest, StoppingEndsAWaitAtOnceAndEveryWaitAfterIt) {
  std::atomic<int> rounds{0};
  std::atomic<bool> first_wait_said_go_on{true}, later_wait_said_go_on{true};
  {
    StoppableThread thread([&](StoppableThread& self) {
      ++rounds;
      first_wait_said_go_on = self.WaitFor(absl::Hours(1));  // only Stop() can end it
      later_wait_said_go_on = self.WaitFor(absl::Hours(1));
    });
    EXPECT_TRUE(testing::Eventually([&] { return rounds == 1; }));  // the body has started
  }  // the destructor stops and joins: a test that hangs here has failed
  EXPECT_EQ(rounds, 1);
  EXPECT_FALSE(first_wait_said_go_on);
  EXPECT_FALSE(later_wait_said_go_on);
}

TEST(StoppableThreadTest, AWaitThatIsNotStoppedRunsToItsDeadline) {
  std::atomic<bool> went_on{false}, done{false};
  StoppableThread thread([&](StoppableThread& self) {
    went_on = self.WaitUntil(absl::InfinitePast());  // a deadline already past: at once
    done = true;
  });
  ASSERT_TRUE(testing::Eventually([&] { return done.load(); }));
  EXPECT_TRUE(went_on);
}

TEST(LoopbackTest, LoopbackAddressesByAddressNotByName) {
  EXPECT_TRUE(IsLoopbackAddress("127.0.0.1:50051"));
  EXPECT_TRUE(IsLoopbackAddress("127.8.9.10:1"));
  EXPECT_TRUE(IsLoopbackAddress("[::1]:8080"));
  EXPECT_TRUE(IsLoopbackAddress("localhost:0"));     // resolves to loopback addresses only
  EXPECT_FALSE(IsLoopbackAddress("0.0.0.0:50051"));  // every interface
  EXPECT_FALSE(IsLoopbackAddress(":50051"));
  EXPECT_FALSE(IsLoopbackAddress("[::]:50051"));
  EXPECT_FALSE(IsLoopbackAddress("10.1.2.3:50051"));
  EXPECT_FALSE(IsLoopbackAddress("192.168.0.1:1"));
}

TEST(ClockTest, AManualClockMovesOnlyWhenTold) {
  ManualClock clock(absl::FromUnixSeconds(5));
  EXPECT_EQ(clock.Now(), absl::FromUnixSeconds(5));
  clock.Advance(absl::Seconds(2));
  EXPECT_EQ(clock.Now(), absl::FromUnixSeconds(7));
  clock.Set(absl::FromUnixSeconds(1));
  EXPECT_EQ(clock.Now(), absl::FromUnixSeconds(1));
  const absl::Time before = absl::Now();
  EXPECT_GE(Clock::Real()->Now(), before);
}

}  // namespace
}  // namespace psc
