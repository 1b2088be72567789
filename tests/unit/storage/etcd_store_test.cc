// The etcd store beyond the Store contract (store_test.cc runs that over both backends):
// replicas sharing one cluster, answers lost after a commit was sent, etcd's limits, a
// cluster without quorum, a mirror that etcd compacted past, and data dirs never mixed up.

#include "server/storage/etcd/etcd_store.h"

#include <signal.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"
#include "server/common/errors.h"
#include "server/storage/keys.h"
#include "tests/testing/etcd_store_options.h"
#include "tests/testing/eventually.h"
#include "tests/testing/temp_dir.h"
#include "tests/unit/storage/mutations.h"

namespace psc::storage {
namespace {

using ::testing::HasSubstr;

// Every change-log entry, in order.
std::vector<std::pair<uint64_t, std::string>> ChangeLog(const Store& store) {
  std::vector<std::pair<uint64_t, std::string>> log;
  EXPECT_TRUE(store.Snapshot()
                  ->Scan(Family::kChangeLog, {},
                         [&](absl::string_view key, absl::string_view value) {
                           uint64_t sequence = 0;
                           KeyReader(key).ReadUint64(&sequence);
                           log.emplace_back(sequence, std::string(value));
                           return true;
                         })
                  .ok());
  return log;
}

class EtcdStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::EtcdCluster::Installed()) {
      GTEST_SKIP() << "etcd is not installed (tools/install-deps installs etcd-server)";
    }
    cluster_ = testing::SharedEtcdCluster();
    ASSERT_NE(cluster_, nullptr);
  }

  // A replica: its own mirror dir, the test's prefix.
  EtcdStoreOptions Options(testing::EtcdCluster* cluster = nullptr) {
    auto dir = std::make_unique<testing::TempDir>();
    const std::string path = dir->path();
    dirs_.push_back(std::move(dir));
    return {.local = {.path = path, .sync = false},
            .etcd = testing::TestEtcdClientOptions(cluster ? *cluster : *cluster_),
            .prefix = absl::StrCat(
                "/", ::testing::UnitTest::GetInstance()->current_test_info()->name(), "/")};
  }
  std::unique_ptr<Store> Open(const EtcdStoreOptions& options) {
    auto store = OpenEtcdStore(options);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }

  testing::EtcdCluster* cluster_ = nullptr;
  std::vector<std::unique_ptr<testing::TempDir>> dirs_;
};

// Writers on two replicas: one gapless log, and the same log and records on both mirrors.
TEST_F(EtcdStoreTest, TwoReplicasShareOneGaplessLog) {
  auto a = Open(Options());
  auto b = Open(Options());
  constexpr int kThreads = 4, kPerThread = 40;
  std::vector<std::vector<uint64_t>> seen(2 * kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < 2 * kThreads; ++t) {
    threads.emplace_back([&, t] {
      Store& store = t % 2 == 0 ? *a : *b;
      for (int i = 0; i < kPerThread; ++i) {
        auto seq = store.CommitAndWait(WriteAll(absl::StrCat(t, "-", i)));
        ASSERT_TRUE(seq.ok()) << seq.status();
        seen[t].push_back(*seq);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<uint64_t> all;
  for (const auto& s : seen) all.insert(s.begin(), s.end());
  constexpr uint64_t kTotal = 2 * kThreads * kPerThread;
  ASSERT_EQ(all.size(), kTotal);
  EXPECT_EQ(*all.begin(), 1u);
  EXPECT_EQ(*all.rbegin(), kTotal);
  ASSERT_TRUE(testing::Eventually(
      [&] { return a->last_sequence() == kTotal && b->last_sequence() == kTotal; }));
  const auto log = ChangeLog(*a);
  ASSERT_EQ(log.size(), kTotal);
  EXPECT_EQ(log, ChangeLog(*b));
  for (int t = 0; t < 2 * kThreads; ++t) {
    for (int i = 0; i < kPerThread; ++i) {
      const std::string key = absl::StrCat("r/", t, "-", i);
      EXPECT_EQ(*b->Snapshot()->Get(Family::kRecords, key), "record " + key.substr(2));
      EXPECT_EQ(*a->Snapshot()->Get(Family::kRecords, key), "record " + key.substr(2));
    }
  }
}

// Check-then-write on two replicas at once: exactly one wins each race (the loser re-runs on
// the winner's data and sees the key taken).
TEST_F(EtcdStoreTest, OnlyOneReplicaWinsACheckThenWrite) {
  auto a = Open(Options());
  auto b = Open(Options());
  for (int round = 0; round < 20; ++round) {
    const std::string key = absl::StrCat("r/k", round);
    auto create = [key](WriteTxn& txn) -> absl::Status {
      auto existing = txn.Get(Family::kRecords, key);
      if (!existing.ok()) return existing.status();
      if (*existing) return absl::AlreadyExistsError("taken");
      txn.Put(Family::kRecords, key, "v");
      txn.AddChange("c " + key);
      return absl::OkStatus();
    };
    absl::StatusOr<uint64_t> on_a, on_b;
    std::thread ta([&] { on_a = a->CommitAndWait(create); });
    std::thread tb([&] { on_b = b->CommitAndWait(create); });
    ta.join();
    tb.join();
    EXPECT_NE(on_a.ok(), on_b.ok()) << round << ": " << on_a.status() << " / " << on_b.status();
    const absl::Status& lost = on_a.ok() ? on_b.status() : on_a.status();
    EXPECT_EQ(lost.code(), absl::StatusCode::kAlreadyExists) << lost;
  }
  EXPECT_EQ(a->last_sequence(), 20u);
}

TEST_F(EtcdStoreTest, AReplicaHearsAndReadsAnothersWrites) {
  auto a = Open(Options());
  auto b = Open(Options());
  std::atomic<uint64_t> heard{0};
  b->SetCommitListener([&](uint64_t last) { heard = last; });
  ASSERT_EQ(*a->CommitAndWait(WriteAll("x")), 1u);
  ASSERT_TRUE(testing::Eventually([&] { return heard.load() == 1; }));
  EXPECT_EQ(*b->Snapshot()->Get(Family::kRecords, "r/x"), "record x");
  EXPECT_EQ(b->Snapshot()->sequence(), 1u);
  b->SetCommitListener(nullptr);
  // And B's next write follows A's.
  EXPECT_EQ(*b->CommitAndWait(WriteAll("y")), 2u);
}

// etcd answered, and the answer was lost: the store sends the same guarded Txn again and
// tells from the guard's history whether the first copy landed. No write is lost or doubled,
// with another replica committing in between.
TEST_F(EtcdStoreTest, LostAnswersAreResolvedWithoutDuplicatesOrLoss) {
  std::atomic<int> answers{0};
  EtcdStoreOptions lossy = Options();
  lossy.lose_commit_answer = [&answers] { return answers.fetch_add(1) % 2 == 0; };
  auto a = Open(lossy);
  auto b = Open(Options());
  constexpr int kThreads = 4, kPerThread = 25;
  std::vector<std::thread> threads;
  std::atomic<int> failed{0};
  for (int t = 0; t < 2 * kThreads; ++t) {
    threads.emplace_back([&, t] {
      Store& store = t < kThreads ? *a : *b;
      for (int i = 0; i < kPerThread; ++i) {
        if (!store.CommitAndWait(WriteAll(absl::StrCat(t, "-", i))).ok()) ++failed;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_GT(answers.load(), 2 * kThreads);  // answers were lost, and resolved
  constexpr uint64_t kTotal = 2 * kThreads * kPerThread;
  ASSERT_TRUE(testing::Eventually([&] { return b->last_sequence() == kTotal; }));
  const auto log = ChangeLog(*b);
  ASSERT_EQ(log.size(), kTotal);
  std::set<std::string> changes;
  for (size_t i = 0; i < log.size(); ++i) {
    EXPECT_EQ(log[i].first, i + 1);
    EXPECT_TRUE(changes.insert(log[i].second).second) << "twice: " << log[i].second;
  }
}

TEST_F(EtcdStoreTest, GroupsAreCutToEtcdsLimitsAndAMutationTooLargeIsRefused) {
  EtcdStoreOptions options = Options();
  options.max_txn_ops = 12;  // a WriteAll is 3 operations, and a commit adds 2
  auto store = Open(options);
  auto too_large = store->CommitAndWait([](WriteTxn& txn) {
    for (int i = 0; i < 20; ++i) txn.Put(Family::kIndex, absl::StrCat("i/", i), "");
    txn.AddChange("big");
    return absl::OkStatus();
  });
  EXPECT_EQ(too_large.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(too_large.status()), "COMMIT_TOO_LARGE");
  EXPECT_THAT(std::string(too_large.status().message()), HasSubstr("--max-txn-ops"));
  // Many small mutations queued together still all commit, a few per Txn.
  std::vector<std::thread> threads;
  std::atomic<int> failed{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        if (!store->CommitAndWait(WriteAll(absl::StrCat(t, "-", i))).ok()) ++failed;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(store->last_sequence(), 80u);
  EXPECT_EQ(ChangeLog(*store).size(), 80u);
}

// Without quorum writes fail with NO_QUORUM and advice to retry, and reads go on from the
// mirror; once etcd is back, writes resume by themselves.
TEST_F(EtcdStoreTest, WithoutQuorumWritesFailFastAndReadsGoOn) {
  testing::TempDir dir;
  auto own = testing::EtcdCluster::Start({.dir = dir.path()});
  ASSERT_TRUE(own.ok()) << own.status();
  EtcdStoreOptions options = Options(own->get());
  options.commit_timeout = absl::Seconds(1);
  options.etcd.call_timeout = absl::Milliseconds(300);
  auto store = Open(options);
  ASSERT_TRUE(store->CommitAndWait(WriteAll("a")).ok());
  (*own)->Signal(0, SIGKILL);
  auto refused = store->CommitAndWait(WriteAll("b"));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ErrorReason(refused.status()), "NO_QUORUM");
  EXPECT_TRUE(HasRetryInfo(refused.status()));
  // The next write is refused at once, without waiting on etcd again.
  EXPECT_EQ(ErrorReason(store->CommitAndWait(WriteAll("c")).status()), "NO_QUORUM");
  EXPECT_EQ(*store->Snapshot()->Get(Family::kRecords, "r/a"), "record a");
  ASSERT_TRUE((*own)->Restart(0).ok());
  ASSERT_TRUE(testing::Eventually([&] { return store->CommitAndWait(WriteAll("d")).ok(); },
                                  absl::Seconds(20)));
  EXPECT_EQ(*store->Snapshot()->Get(Family::kRecords, "r/d"), "record d");
  EXPECT_EQ(store->Snapshot()->Get(Family::kRecords, "r/b")->has_value(), false);
}

// etcd out of space (its NOSPACE alarm): writes are refused as on a full disk, reads go on,
// and the store says so.
TEST_F(EtcdStoreTest, EtcdOutOfSpaceRefusesWritesAsAFullDiskAndReadsGoOn) {
  testing::TempDir dir;
  auto own = testing::EtcdCluster::Start({.dir = dir.path(), .quota_backend_bytes = 16 << 20});
  ASSERT_TRUE(own.ok()) << own.status();
  auto store = Open(Options(own->get()));
  ASSERT_TRUE(store->CommitAndWait(WriteAll("a")).ok());
  const std::string big(512 << 10, 'x');
  absl::StatusOr<uint64_t> result = uint64_t{0};
  for (int i = 0; i < 200 && result.ok(); ++i) {
    result = store->CommitAndWait([&big, i](WriteTxn& txn) {
      txn.Put(Family::kRecords, absl::StrCat("r/big", i), big);
      txn.AddChange(absl::StrCat("big ", i));
      return absl::OkStatus();
    });
  }
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ErrorReason(result.status()), "STORAGE_FULL");
  EXPECT_TRUE(HasRetryInfo(result.status()));
  EXPECT_EQ(*store->Snapshot()->Get(Family::kRecords, "r/a"), "record a");
  EXPECT_TRUE(testing::Eventually([&] {
    const auto replication = store->stats().replication;
    return replication && replication->cluster_out_of_space;
  }));
}

// A replica that was away while etcd compacted its history reloads the mirror cleanly.
TEST_F(EtcdStoreTest, AMirrorThatEtcdCompactedPastResyncs) {
  EtcdStoreOptions b_options = Options();
  auto a = Open(Options());
  ASSERT_TRUE(a->CommitAndWait(WriteAll("x")).ok());
  b_options.local.path = dirs_.back()->path() + "-b";
  Open(b_options).reset();  // B mirrors x, and goes away
  ASSERT_TRUE(a->CommitAndWait(WriteAll("y")).ok());
  ASSERT_TRUE(a->CommitAndWait([](WriteTxn& txn) {
                 txn.Delete(Family::kRecords, "r/x");
                 txn.AddChange("delete x");
                 return absl::OkStatus();
               }).ok());
  auto client = etcd::Client::Create(testing::TestEtcdClientOptions(*cluster_));
  ASSERT_TRUE(client.ok());
  etcdserverpb::RangeRequest request;
  request.set_key("/");
  etcdserverpb::RangeResponse response;
  ASSERT_TRUE((*client)->Range(request, &response).ok());
  ASSERT_TRUE((*client)->Compact(response.header().revision()).ok());

  auto b = Open(b_options);
  ASSERT_TRUE(testing::Eventually([&] { return b->last_sequence() == 3; }));
  EXPECT_EQ(b->Snapshot()->Get(Family::kRecords, "r/x")->has_value(), false);
  EXPECT_EQ(*b->Snapshot()->Get(Family::kRecords, "r/y"), "record y");
  EXPECT_EQ(ChangeLog(*b), ChangeLog(*a));
  EXPECT_EQ(*b->CommitAndWait(WriteAll("z")), 4u);
}

// A mirror pointed at another cluster (etcd rebuilt from scratch, say) reloads cleanly: none of
// the old cluster's data survives in it.
TEST_F(EtcdStoreTest, AMirrorOfAnotherClusterResyncs) {
  testing::TempDir old_dir, new_dir;
  auto old_cluster = testing::EtcdCluster::Start({.dir = old_dir.path()});
  ASSERT_TRUE(old_cluster.ok()) << old_cluster.status();
  EtcdStoreOptions mirror = Options(old_cluster->get());
  {
    auto store = Open(mirror);
    ASSERT_TRUE(store->CommitAndWait(WriteAll("old")).ok());
  }
  auto new_cluster = testing::EtcdCluster::Start({.dir = new_dir.path()});
  ASSERT_TRUE(new_cluster.ok()) << new_cluster.status();
  {
    auto writer = Open(Options(new_cluster->get()));
    ASSERT_TRUE(writer->CommitAndWait(WriteAll("new-1")).ok());
    ASSERT_TRUE(writer->CommitAndWait(WriteAll("new-2")).ok());
  }
  mirror.etcd = testing::TestEtcdClientOptions(**new_cluster);
  auto store = Open(mirror);
  ASSERT_TRUE(testing::Eventually(
      [&] { return store->Snapshot()->Get(Family::kRecords, "r/new-2")->has_value(); }));
  EXPECT_FALSE(store->Snapshot()->Get(Family::kRecords, "r/old")->has_value());
  EXPECT_EQ(store->last_sequence(), 2u);
  EXPECT_EQ(store->stats().replication.value_or(ReplicationStats{}).resyncs, 1u);
  EXPECT_EQ(*store->CommitAndWait(WriteAll("new-3")), 3u);
}

TEST_F(EtcdStoreTest, DataDirsOfTheTwoStoresAreNeverMixedUp) {
  testing::TempDir embedded;
  ASSERT_TRUE(Store::Open({.path = embedded.path(), .sync = false}).ok());
  EtcdStoreOptions options = Options();
  options.local.path = embedded.path();
  auto refused = OpenEtcdStore(options);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("embedded"));

  EtcdStoreOptions mirror = Options();
  ASSERT_NE(Open(mirror), nullptr);
  auto embedded_on_mirror = Store::Open({.path = mirror.local.path, .sync = false});
  EXPECT_EQ(embedded_on_mirror.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(embedded_on_mirror.status().message()), HasSubstr("--store etcd"));
}

TEST_F(EtcdStoreTest, AMirrorServesOnlyTheRegistryOfItsPrefix) {
  EtcdStoreOptions options = Options();
  ASSERT_NE(Open(options), nullptr);
  options.prefix = "/another-registry/";
  auto refused = OpenEtcdStore(options);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("--etcd-prefix"));
}

// A sequence committed through another replica is waited for; one no commit took is not.
TEST_F(EtcdStoreTest, AReplicaAwaitsASequenceAnotherCommitted) {
  auto a = Open(Options());
  auto b = Open(Options());
  ASSERT_EQ(*a->CommitAndWait(WriteAll("x")), 1u);
  EXPECT_TRUE(b->AwaitSequence(1, absl::Now() + absl::Seconds(10)).ok());
  EXPECT_EQ(b->last_sequence(), 1u);
  const absl::Time start = absl::Now();
  EXPECT_EQ(b->AwaitSequence(5, absl::Now() + absl::Seconds(10)).code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));  // answered, not waited out
}

// Retention keeps what the slowest replica's index has yet to read: each replica publishes its
// position under a lease; a replica gone (stopped, or its lease expired) no longer holds it.
TEST_F(EtcdStoreTest, ReplicasPublishTheirPositionsAndAllKnowTheSlowest) {
  EtcdStoreOptions options = Options();
  options.replica_ttl = absl::Seconds(2);
  auto a = Open(options);
  EtcdStoreOptions b_options = Options();
  b_options.replica_ttl = absl::Seconds(2);
  auto b = Open(b_options);
  EXPECT_EQ(a->SlowestReplicaPosition(), std::nullopt);
  a->PublishReplicaPosition(5);
  b->PublishReplicaPosition(3);
  ASSERT_TRUE(testing::Eventually(
      [&] { return a->SlowestReplicaPosition() == 3u && b->SlowestReplicaPosition() == 3u; }));
  b->PublishReplicaPosition(7);  // B caught up: A is now the slowest
  ASSERT_TRUE(testing::Eventually([&] { return b->SlowestReplicaPosition() == 5u; }));
  a.reset();  // stopped: its position goes with its lease
  ASSERT_TRUE(testing::Eventually([&] { return b->SlowestReplicaPosition() == 7u; }));
}

TEST_F(EtcdStoreTest, BadEtcdSettingsFailClearly) {
  EtcdStoreOptions options = Options();
  options.etcd.endpoints = {"127.0.0.1:2379"};
  EXPECT_THAT(std::string(OpenEtcdStore(options).status().message()),
              HasSubstr("not a member URL"));
  options = Options();
  options.etcd.cert_file.clear();
  options.etcd.key_file.clear();
  options.start_timeout = absl::Milliseconds(500);
  // The cluster requires a client certificate: no way in without one.
  auto refused = OpenEtcdStore(options);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("cannot load the registry"));
}

}  // namespace
}  // namespace psc::storage
