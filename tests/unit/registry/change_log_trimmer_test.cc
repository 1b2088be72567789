// Change-log retention over an in-memory store.

#include "server/registry/feed/change_log_trimmer.h"

#include <atomic>

#include "gtest/gtest.h"
#include "server/registry/feed/change_feed.h"
#include "tests/testing/eventually.h"
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

TEST_F(ChangeLogTrimmerTest, KeepsWhatTheSearchIndexHasNotAppliedYet) {
  Write(25);
  std::atomic<uint64_t> applied{3};  // the index is behind: it has applied up to sequence 3
  ChangeLogTrimmer trimmer(
      &h_.store(), {.max_count = 10, .interval = absl::Hours(1), .applied_by_readers = [&applied] {
                      return applied.load();
                    }});
  EXPECT_EQ(*trimmer.TrimOnce(), 4u);  // the count alone would keep only the newest 10
  applied = 20;
  EXPECT_EQ(*trimmer.TrimOnce(), h_.store().last_sequence() - 9);  // caught up: the count again
  applied = 0;  // a rebuild from scratch: nothing is trimmed, and nothing comes back
  EXPECT_EQ(*trimmer.TrimOnce(), h_.store().last_sequence() - 9);
}

TEST_F(ChangeLogTrimmerTest, KeepsWhatIsYoungerThanTheMaximumAge) {
  Write(5);
  // Every change was committed before this clock's time: an hour keeps them all, until two
  // hours have passed.
  ManualClock clock;
  ChangeLogTrimmer trimmer(
      &h_.store(), {.max_age = absl::Hours(1), .interval = absl::Hours(1), .clock = &clock});
  EXPECT_EQ(*trimmer.TrimOnce(), 1u);
  clock.Advance(absl::Hours(2));
  EXPECT_EQ(*trimmer.TrimOnce(), h_.store().last_sequence() + 1);
  EXPECT_EQ(h_.store().KeyCount(storage::Family::kChangeLog), 0u);
  // Records are untouched: retention trims the log, not the registry.
  EXPECT_TRUE(
      h_.Get<v1::Collaborative>(Caller::Admin(), CollaborativeKind(), "collaboratives/c4").ok());
}

TEST_F(ChangeLogTrimmerTest, TrimsOnItsOwnOnTheInterval) {
  Write(12);
  ChangeLogTrimmer trimmer(&h_.store(), {.max_count = 4, .interval = absl::Milliseconds(10)});
  const uint64_t want = h_.store().last_sequence() - 3;
  EXPECT_TRUE(testing::Eventually([&] { return h_.store().first_retained_sequence() == want; }))
      << h_.store().first_retained_sequence();
}

TEST_F(ChangeLogTrimmerTest, StoredKeysStayFlatOverALongRunOfWritesAndTrims) {
  // Creates with request ids, then updates, round after round, trimming as it goes: history
  // keys follow the log out, request ids expire, and key counts stop growing.
  ManualClock clock;
  ChangeLogTrimmer trimmer(&h_.store(), {.max_count = 50,
                                         .interval = absl::Hours(1),
                                         .request_id_ttl = absl::ZeroDuration(),
                                         .clock = &clock});
  std::vector<size_t> index_keys, meta_keys;
  for (int round = 0; round < 8; ++round) {
    for (int i = 0; i < 100; ++i) {
      auto created = testing::Written<v1::Collaborative>([&](RecordCallback done) {
        h_.registry().Create(Caller::Admin(), CollaborativeKind(),
                             std::make_unique<v1::Collaborative>(testing::MakeCollaborative("x")),
                             {absl::StrCat("r", round, "-", i), absl::StrCat("req-", round, i)},
                             std::move(done));
      });
      ASSERT_TRUE(created.ok()) << created.status();
      ASSERT_TRUE(h_.Delete(Caller::Admin(), CollaborativeKind(), created->name()).ok());
    }
    clock.Set(absl::Now() + absl::Milliseconds(1));  // every request id of the round expires
    ASSERT_TRUE(trimmer.TrimOnce().ok());
    index_keys.push_back(h_.store().KeyCount(storage::Family::kIndex));
    meta_keys.push_back(h_.store().KeyCount(storage::Family::kMeta));
  }
  EXPECT_EQ(h_.store().KeyCount(storage::Family::kChangeLog), 50u);
  // After the first rounds, the same every round: nothing accumulates.
  EXPECT_EQ(index_keys[3], index_keys.back());
  EXPECT_EQ(meta_keys[3], meta_keys.back());
  EXPECT_LE(index_keys.back(), 50u + 10u);  // history of the retained 50, and the collaborative
  // Each retained change still has its history.
  auto history = h_.registry().History(Caller::Admin(), "collaboratives/r7-99", 10, "");
  ASSERT_TRUE(history.ok()) << history.status();
  EXPECT_EQ(history->changes.size(), 2u);  // created and deleted
}

}  // namespace
}  // namespace psc::registry
