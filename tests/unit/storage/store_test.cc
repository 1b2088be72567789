#include "server/storage/store.h"

#include <algorithm>
#include <atomic>
#include <future>
#include <map>
#include <stdexcept>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/common/errors.h"
#include "server/common/mutex.h"
#include "server/common/notification.h"
#include "server/storage/etcd/etcd_store.h"
#include "server/storage/keys.h"
#include "tests/testing/etcd_cluster.h"
#include "tests/testing/etcd_store_options.h"
#include "tests/testing/temp_dir.h"
#include "tests/unit/storage/mutations.h"

namespace psc::storage {
namespace {

// The Store contract, over every backend: the embedded RocksDB store, and the etcd store on a
// real 1-member etcd cluster (one per test process, each test under a key prefix of its own).
struct Knobs {
  bool sync = false;
  size_t max_queued = 10000;
};

class StoreContractTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "etcd") {
      if (!testing::EtcdCluster::Installed()) {
        GTEST_SKIP() << "etcd is not installed (tools/install-deps installs etcd-server)";
      }
      cluster_ = testing::SharedEtcdCluster();
      ASSERT_NE(cluster_, nullptr);
    }
  }

  absl::StatusOr<std::unique_ptr<Store>> OpenOrError(Knobs knobs = {}) {
    StoreOptions local{.path = dir_.path(), .sync = knobs.sync, .max_queued = knobs.max_queued};
    if (GetParam() == "rocksdb") return Store::Open(local);
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    return OpenEtcdStore({.local = local,
                          .etcd = testing::TestEtcdClientOptions(*cluster_),
                          .prefix = absl::StrCat("/", test->name(), "/")});
  }
  std::unique_ptr<Store> Open(Knobs knobs = {}) {
    auto store = OpenOrError(knobs);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }

  testing::TempDir dir_;
  testing::EtcdCluster* cluster_ = nullptr;
};

INSTANTIATE_TEST_SUITE_P(Backends, StoreContractTest, ::testing::Values("rocksdb", "etcd"),
                         [](const auto& info) { return info.param; });

std::optional<std::string> Read(const Store& store, Family family, const std::string& key) {
  auto value = store.Snapshot()->Get(family, key);
  EXPECT_TRUE(value.ok());
  return *value;
}

std::string LogKey(uint64_t sequence) { return KeyBuilder().AddUint64(sequence).Release(); }

TEST_P(StoreContractTest, RecordIndexAndLogEntryCommitTogether) {
  auto store = Open();
  auto seq = store->CommitAndWait(WriteAll("a"));
  ASSERT_TRUE(seq.ok()) << seq.status();
  EXPECT_EQ(*seq, 1u);
  EXPECT_EQ(Read(*store, Family::kRecords, "r/a"), "record a");
  EXPECT_EQ(Read(*store, Family::kIndex, "i/a"), "");
  EXPECT_EQ(Read(*store, Family::kChangeLog, LogKey(1)), "change a");
  EXPECT_EQ(store->Snapshot()->sequence(), 1u);
}

TEST_P(StoreContractTest, AMutationChangingTwoRecordsTakesConsecutiveSequences) {
  auto store = Open();
  ASSERT_TRUE(store->CommitAndWait(WriteAll("a")).ok());
  std::vector<uint64_t> seen;
  auto last = store->CommitAndWait([&](WriteTxn& txn) {
    for (const char* id : {"b", "c"}) {
      seen.push_back(txn.sequence());
      txn.Put(Family::kRecords, std::string("r/") + id, id);
      txn.AddChange(std::string("change ") + id);
    }
    return absl::OkStatus();
  });
  ASSERT_TRUE(last.ok()) << last.status();
  EXPECT_EQ(*last, 3u);
  EXPECT_EQ(seen, (std::vector<uint64_t>{2, 3}));
  EXPECT_EQ(Read(*store, Family::kChangeLog, LogKey(2)), "change b");
  EXPECT_EQ(Read(*store, Family::kChangeLog, LogKey(3)), "change c");
  EXPECT_EQ(store->last_sequence(), 3u);
}

TEST_P(StoreContractTest, TxnScanSeesEveryEarlierWrite) {
  auto store = Open();
  ASSERT_TRUE(store->CommitAndWait(WriteAll("a")).ok());
  // Whether or not the two land in one group, the scan sees the write queued before it.
  std::atomic<int> done{0};
  std::vector<std::string> keys;
  store->Commit(WriteAll("b"), [&](absl::StatusOr<uint64_t>) { ++done; });
  store->Commit(
      [&](WriteTxn& txn) {
        return txn.Scan(Family::kRecords, "r/", [&](absl::string_view key, absl::string_view) {
          keys.emplace_back(key);
          return true;
        });
      },
      [&](absl::StatusOr<uint64_t>) { ++done; });
  while (done.load() < 2) std::this_thread::yield();
  EXPECT_EQ(keys, (std::vector<std::string>{"r/a", "r/b"}));
}

TEST_P(StoreContractTest, FailedMutationWritesNothingAndTakesNoSequence) {
  auto store = Open();
  auto failed = store->CommitAndWait([](WriteTxn& txn) {
    txn.Put(Family::kRecords, "r/x", "record");
    txn.Put(Family::kIndex, "i/x", "");
    txn.AddChange("change");
    return absl::FailedPreconditionError("rule broken after writing");
  });
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Read(*store, Family::kRecords, "r/x"), std::nullopt);
  EXPECT_EQ(Read(*store, Family::kIndex, "i/x"), std::nullopt);
  EXPECT_EQ(Read(*store, Family::kChangeLog, LogKey(1)), std::nullopt);
  EXPECT_EQ(*store->CommitAndWait(WriteAll("b")), 1u);
}

TEST_P(StoreContractTest, AMutationThatThrowsFailsItsOwnCallOnly) {
  auto store = Open();
  auto thrown = store->CommitAndWait([](WriteTxn& txn) -> absl::Status {
    txn.Put(Family::kRecords, "r/x", "record");
    txn.AddChange("change");
    throw std::runtime_error("a bug");
  });
  EXPECT_EQ(thrown.status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(Read(*store, Family::kRecords, "r/x"), std::nullopt);
  // The committer lives on, and no sequence was taken.
  EXPECT_EQ(*store->CommitAndWait(WriteAll("b")), 1u);
}

TEST_P(StoreContractTest, AFullQueueRefusesWritesAtOnceWithRetryAdvice) {
  auto opened = OpenOrError({.max_queued = 2});
  ASSERT_TRUE(opened.ok()) << opened.status();
  Store& store = **opened;
  // The committer is held inside a first mutation while two more wait.
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> entered;
  std::atomic<int> done{0};
  store.Commit(
      [&entered, released](WriteTxn&) {
        entered.set_value();
        released.wait();
        return absl::OkStatus();
      },
      [&done](absl::StatusOr<uint64_t>) { ++done; });
  entered.get_future().wait();
  for (int i = 0; i < 2; ++i) {
    store.Commit(WriteAll(absl::StrCat("q", i)), [&done](absl::StatusOr<uint64_t>) { ++done; });
  }
  absl::Status refused;
  store.Commit(WriteAll("over"), [&refused](absl::StatusOr<uint64_t> r) { refused = r.status(); });
  EXPECT_EQ(refused.code(), absl::StatusCode::kUnavailable);  // answered at once
  EXPECT_EQ(ErrorReason(refused), "STORE_BUSY");
  release.set_value();
  store.Shutdown();
  opened->reset();  // drains what was queued
  EXPECT_EQ(done.load(), 3);
}

TEST_P(StoreContractTest, WriteWithoutChangeEntryIsRefused) {
  auto store = Open();
  auto result = store->CommitAndWait([](WriteTxn& txn) {
    txn.Put(Family::kRecords, "r/x", "record");
    return absl::OkStatus();
  });
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(Read(*store, Family::kRecords, "r/x"), std::nullopt);
}

TEST_P(StoreContractTest, MetadataOnlyWriteTakesNoSequence) {
  auto store = Open();
  auto result = store->CommitAndWait([](WriteTxn& txn) {
    txn.Put(Family::kMeta, "secret", "s");
    return absl::OkStatus();
  });
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result, 0u);
  EXPECT_EQ(Read(*store, Family::kMeta, "secret"), "s");
  EXPECT_EQ(store->last_sequence(), 0u);
}

TEST_P(StoreContractTest, FailureInsideAGroupLeavesTheOthersIntact) {
  auto store = Open();
  // Queue all three before any commits, so they share one group most of the time; the outcome
  // must be the same either way.
  std::vector<absl::StatusOr<uint64_t>> results(3, absl::UnknownError("not run"));
  // psc::Notification, not absl's: TSan sees its synchronization (server/common/mutex.h).
  Notification done[3];
  auto record = [&](int i) {
    return [&results, &done, i](absl::StatusOr<uint64_t> r) {
      results[i] = r;
      done[i].Notify();
    };
  };
  store->Commit(WriteAll("one"), record(0));
  store->Commit(
      [](WriteTxn& txn) {
        txn.Put(Family::kRecords, "r/bad", "x");
        txn.AddChange("bad");
        return absl::AbortedError("no");
      },
      record(1));
  store->Commit(WriteAll("two"), record(2));
  for (const Notification& d : done) d.WaitForNotification();
  EXPECT_EQ(*results[0], 1u);
  EXPECT_EQ(results[1].status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(*results[2], 2u);
  EXPECT_EQ(Read(*store, Family::kRecords, "r/bad"), std::nullopt);
  EXPECT_EQ(Read(*store, Family::kChangeLog, LogKey(2)), "change two");
}

TEST_P(StoreContractTest, MutationsSeeEarlierWritesOfTheirGroup) {
  auto store = Open();
  // Two check-then-write mutations on the same key: exactly one may win even in one group.
  std::atomic<int> won{0}, lost{0};
  Notification done[2];
  for (int i = 0; i < 2; ++i) {
    store->Commit(
        [](WriteTxn& txn) -> absl::Status {
          auto existing = txn.Get(Family::kRecords, "r/k");
          if (!existing.ok()) return existing.status();
          if (*existing) return absl::AlreadyExistsError("taken");
          txn.Put(Family::kRecords, "r/k", "v");
          txn.AddChange("c");
          return absl::OkStatus();
        },
        [&, i](absl::StatusOr<uint64_t> r) {
          (r.ok() ? won : lost)++;
          done[i].Notify();
        });
  }
  for (const Notification& d : done) d.WaitForNotification();
  EXPECT_EQ(won, 1);
  EXPECT_EQ(lost, 1);
}

TEST_P(StoreContractTest, ConcurrentWritersGetGaplessIncreasingSequences) {
  auto store = Open({.sync = true});
  constexpr int kThreads = 16, kPerThread = 100;
  std::vector<std::vector<uint64_t>> seen(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto seq = store->CommitAndWait(WriteAll(std::to_string(t) + "-" + std::to_string(i)));
        ASSERT_TRUE(seq.ok()) << seq.status();
        seen[t].push_back(*seq);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::vector<uint64_t> all;
  for (const auto& s : seen) {
    EXPECT_TRUE(std::is_sorted(s.begin(), s.end()) &&
                std::adjacent_find(s.begin(), s.end()) == s.end());
    all.insert(all.end(), s.begin(), s.end());
  }
  std::sort(all.begin(), all.end());
  ASSERT_EQ(all.size(), static_cast<size_t>(kThreads * kPerThread));
  for (size_t i = 0; i < all.size(); ++i) ASSERT_EQ(all[i], i + 1);
  // The change log holds exactly sequences 1..N, in order.
  uint64_t expected = 1;
  auto status = store->Snapshot()->Scan(Family::kChangeLog, {},
                                        [&](absl::string_view key, absl::string_view) {
                                          uint64_t seq;
                                          KeyReader(key).ReadUint64(&seq);
                                          EXPECT_EQ(seq, expected++);
                                          return true;
                                        });
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(expected, all.size() + 1);
}

TEST_P(StoreContractTest, ScanHonoursPrefixResumeAndReverse) {
  auto store = Open();
  ASSERT_TRUE(store
                  ->CommitAndWait([](WriteTxn& txn) {
                    for (const char* k : {"a/1", "a/2", "a/3", "b/1"}) {
                      txn.Put(Family::kIndex, k, "");
                    }
                    txn.AddChange("c");
                    return absl::OkStatus();
                  })
                  .ok());
  auto keys = [&](ReadView::ScanOptions options) {
    std::vector<std::string> out;
    EXPECT_TRUE(store->Snapshot()
                    ->Scan(Family::kIndex, options,
                           [&](absl::string_view k, absl::string_view) {
                             out.emplace_back(k);
                             return true;
                           })
                    .ok());
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(keys({.prefix = "a/"}), (V{"a/1", "a/2", "a/3"}));
  EXPECT_EQ(keys({.prefix = "a/", .resume_after = "a/1"}), (V{"a/2", "a/3"}));
  EXPECT_EQ(keys({.prefix = "a/", .reverse = true}), (V{"a/3", "a/2", "a/1"}));
  EXPECT_EQ(keys({.prefix = "a/", .resume_after = "a/3", .reverse = true}), (V{"a/2", "a/1"}));
}

TEST_P(StoreContractTest, DataAndSequenceSurviveReopen) {
  {
    auto store = Open({.sync = true});
    ASSERT_TRUE(store->CommitAndWait(WriteAll("a")).ok());
    ASSERT_TRUE(store->CommitAndWait(WriteAll("b")).ok());
  }
  auto store = Open();
  EXPECT_EQ(store->last_sequence(), 2u);
  EXPECT_EQ(Read(*store, Family::kRecords, "r/b"), "record b");
  EXPECT_EQ(*store->CommitAndWait(WriteAll("c")), 3u);
}

// RocksDB's memory stays within StoreOptions::cache_bytes when the data is many times larger:
// blocks, index and filter blocks and memtables all come out of the one cache.
TEST(StoreTest, TheCacheBoundsMemoryWhenTheDataOutgrowsIt) {
  testing::TempDir dir;
  constexpr uint64_t kCache = 8 << 20;
  auto opened = Store::Open({.path = dir.path(), .sync = false, .cache_bytes = kCache});
  ASSERT_TRUE(opened.ok()) << opened.status();
  Store& store = **opened;
  // 4,096 records of 16 KiB that do not compress: 64 MiB, 8 times the cache.
  uint64_t state = 1;
  auto value = [&] {
    std::string v(16 << 10, '\0');
    for (char& c : v) c = static_cast<char>((state = state * 6364136223846793005u + 1) >> 56);
    return v;
  };
  for (int i = 0; i < 4096; ++i) {
    std::string id = absl::StrCat(i);
    std::string v = value();
    ASSERT_TRUE(store
                    .CommitAndWait([&](WriteTxn& txn) {
                      txn.Put(Family::kRecords, "r/" + id, v);
                      txn.Put(Family::kIndex, "i/" + id, "");
                      txn.AddChange("change " + id);
                      return absl::OkStatus();
                    })
                    .ok());
    EXPECT_LE(store.stats().cache_bytes, kCache + kCache / 10) << "after write " << i;
  }
  for (int i = 0; i < 4096; ++i) {
    auto read = store.Snapshot()->Get(Family::kRecords, absl::StrCat("r/", i));
    ASSERT_TRUE(read.ok() && read->has_value()) << i;
    EXPECT_EQ(read->value().size(), 16u << 10);
  }
  const StoreStats stats = store.stats();
  EXPECT_GT(stats.cache_bytes, kCache / 2);  // the cache is used, and full
  EXPECT_LE(stats.cache_bytes, kCache + kCache / 10);
  EXPECT_GT(stats.live_data_bytes + stats.memtable_bytes, 6 * kCache);
}

TEST_P(StoreContractTest, SecondOpenOfTheSameDirectoryFailsClearly) {
  auto first = Open();
  auto second = OpenOrError();
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(second.status().message().find("in use by another pscd"), absl::string_view::npos);
}

TEST_P(StoreContractTest, TrimmingDropsTheOldLogAndItsIndexEntriesTogether) {
  auto store = Open();
  for (const char* id : {"a", "b", "c", "d"}) ASSERT_TRUE(store->CommitAndWait(WriteAll(id)).ok());
  EXPECT_EQ(store->first_retained_sequence(), 1u);
  ASSERT_TRUE(store->TrimChangeLog(3, {"i/a"}).ok());
  EXPECT_EQ(store->first_retained_sequence(), 3u);
  EXPECT_EQ(Read(*store, Family::kChangeLog, LogKey(2)), std::nullopt);
  EXPECT_EQ(Read(*store, Family::kChangeLog, LogKey(3)), "change c");
  EXPECT_EQ(Read(*store, Family::kIndex, "i/a"), std::nullopt);
  EXPECT_EQ(Read(*store, Family::kIndex, "i/b"), "");
  ASSERT_TRUE(store->TrimChangeLog(2, {}).ok());  // not above the oldest: nothing happens
  EXPECT_EQ(store->first_retained_sequence(), 3u);
  EXPECT_EQ(*store->CommitAndWait(WriteAll("e")), 5u);
}

TEST_P(StoreContractTest, TheCommitListenerHearsEachGroupsLastSequence) {
  auto store = Open();
  Mutex mu;
  std::vector<uint64_t> heard;
  store->SetCommitListener([&](uint64_t last) {
    MutexLock lock(&mu);
    heard.push_back(last);
  });
  ASSERT_TRUE(store->CommitAndWait(WriteAll("a")).ok());
  ASSERT_TRUE(store
                  ->CommitAndWait([](WriteTxn& txn) {
                    txn.Put(Family::kMeta, "state", "s");  // takes no sequence: nothing to hear
                    return absl::OkStatus();
                  })
                  .ok());
  ASSERT_TRUE(store->CommitAndWait(WriteAll("b")).ok());
  // The etcd store hears its own commits before acknowledging them.
  store->SetCommitListener(nullptr);
  MutexLock lock(&mu);
  EXPECT_EQ(heard, (std::vector<uint64_t>{1, 2}));
}

TEST_P(StoreContractTest, CommitAfterShutdownIsUnavailable) {
  auto store = Open();
  store->Shutdown();
  EXPECT_EQ(store->CommitAndWait(WriteAll("a")).status().code(), absl::StatusCode::kUnavailable);
}

TEST_P(StoreContractTest, DataOfANewerFormatIsRefusedWithAClearMessage) {
  {
    auto store = Open();
    // What a future pscd with format 2 would leave behind.
    ASSERT_TRUE(store
                    ->CommitAndWait([](WriteTxn& txn) {
                      txn.Put(Family::kMeta, "format_version", KeyBuilder().AddUint64(2).key());
                      return absl::OkStatus();
                    })
                    .ok());
  }
  auto reopened = OpenOrError();
  ASSERT_FALSE(reopened.ok());
  EXPECT_EQ(reopened.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(reopened.status().message()),
              ::testing::AllOf(::testing::HasSubstr("storage format 2"),
                               ::testing::HasSubstr("reads formats up to 1")));
}

TEST_P(StoreContractTest, TheFormatIsRecordedAndTheSameFormatReopens) {
  {
    auto store = Open();
    auto view = store->Snapshot();
    auto version = view->Get(Family::kMeta, "format_version");
    ASSERT_TRUE(version.ok()) << version.status();
    ASSERT_TRUE(version->has_value());
    uint64_t value = 0;
    ASSERT_TRUE(KeyReader(**version).ReadUint64(&value));
    EXPECT_EQ(value, 1u);
  }
  EXPECT_TRUE(OpenOrError().ok());
}

}  // namespace
}  // namespace psc::storage
