// Change-log retention over an in-memory store.

#include "server/registry/feed/change_log_trimmer.h"

#include "gtest/gtest.h"
#include "server/registry/feed/change_feed.h"
#include "tests/testing/registry_harness.h"

namespace psc::registry {
namespace {

class ChangeLogTrimmerTest : public ::testing::Test {
 protected:
  // `n` changes: collaboratives c0, c1, ...
  void Write(int n) {
    for (int i = 0; i < n; ++i) h_.AddCollaborative(absl::StrCat("c", next_++));
  }
  testing::RegistryHarness h_;
  int next_ = 0;
};

TEST_F(ChangeLogTrimmerTest, KeepsAtMostTheNewestCount) {
  Write(25);
  ChangeLogTrimmer trimmer(&h_.store(), {.max_count = 10, .interval = absl::Hours(1)});
  auto first = trimmer.TrimOnce();
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, h_.store().last_sequence() - 9);
  EXPECT_EQ(h_.store().KeyCount(storage::Family::kChangeLog), 10u);
  // The feed now refuses a cursor before the retained window, and serves the window.
  StoreChangeFeed feed(&h_.store());
  EXPECT_EQ(feed.CheckCursor(1, {}).code(), absl::StatusCode::kOutOfRange);
  auto page = feed.Read(Caller::Admin(), *first - 1, {}, 100);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->events.size(), 10u);
}

TEST_F(ChangeLogTrimmerTest, KeepsWhatIsYoungerThanTheMaximumAge) {
  Write(5);
  ChangeLogTrimmer keep(&h_.store(), {.max_age = absl::Hours(1), .interval = absl::Hours(1)});
  EXPECT_EQ(*keep.TrimOnce(), 1u);
  absl::SleepFor(absl::Milliseconds(5));
  ChangeLogTrimmer drop(&h_.store(), {.max_age = absl::ZeroDuration(), .interval = absl::Hours(1)});
  EXPECT_EQ(*drop.TrimOnce(), h_.store().last_sequence() + 1);
  EXPECT_EQ(h_.store().KeyCount(storage::Family::kChangeLog), 0u);
  // Records are untouched: retention trims the log, not the registry.
  EXPECT_TRUE(
      h_.Get<v1::Collaborative>(Caller::Admin(), CollaborativeKind(), "collaboratives/c4").ok());
}

TEST_F(ChangeLogTrimmerTest, TrimsOnItsOwnOnTheInterval) {
  Write(12);
  ChangeLogTrimmer trimmer(&h_.store(), {.max_count = 4, .interval = absl::Milliseconds(10)});
  const uint64_t want = h_.store().last_sequence() - 3;
  for (absl::Time end = absl::Now() + absl::Seconds(5);
       h_.store().first_retained_sequence() != want && absl::Now() < end;) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_EQ(h_.store().first_retained_sequence(), want);
}

}  // namespace
}  // namespace psc::registry
