// pscd replicas on one etcd cluster (--store etcd:URL...): real pscd processes, the real
// client library, a real etcd from Debian's etcd-server over mTLS.

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/integration/registry_fixture.h"
#include "tests/testing/etcd_store_options.h"
#include "tests/testing/eventually.h"
#include "tests/testing/metrics_text.h"
#include "tests/testing/run_process.h"
#include "tests/testing/small_disk.h"

namespace psc::testing {
namespace {

using ::google::protobuf::util::MessageDifferencer;

class ReplicasTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!EtcdCluster::Installed()) {
      GTEST_SKIP() << "etcd is not installed (tools/install-deps installs etcd-server)";
    }
    cluster_ = SharedEtcdCluster();
    ASSERT_NE(cluster_, nullptr);
  }

  // A replica on its own data dir (its mirror and search index), sharing the test's prefix,
  // on the shared cluster or `cluster`, with `extra` flags.
  std::unique_ptr<PscdProcess> StartReplica(const std::string& name, EtcdCluster* cluster = nullptr,
                                            std::vector<std::string> extra = {}) {
    const std::string certs = TestCertsDir();
    const std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::vector<std::string> args = {
        "--store",       "etcd:" + (cluster != nullptr ? cluster : cluster_)->endpoints(),
        "--etcd-ca",     certs + "/ca.crt",
        "--etcd-cert",   certs + "/admin.crt",
        "--etcd-key",    certs + "/admin.key",
        "--etcd-prefix", absl::StrCat("/", test, "/")};
    args.insert(args.end(), extra.begin(), extra.end());
    auto pscd = PscdProcess::Start({.data_dir = dir_.Sub(name), .extra_args = args});
    EXPECT_TRUE(pscd.ok()) << pscd.status();
    return pscd.ok() ? *std::move(pscd) : nullptr;
  }

  // Two replicas, "a" and "b", and an admin client of each.
  struct Pair {
    std::unique_ptr<PscdProcess> a, b;
    std::unique_ptr<client::RegistryClient> on_a, on_b;
  };
  Pair StartPair() {
    Pair pair{StartReplica("a"), StartReplica("b")};
    if (pair.a && pair.b) {
      pair.on_a = Admin(*pair.a);
      pair.on_b = Admin(*pair.b);
    }
    return pair;
  }

  static std::unique_ptr<client::RegistryClient> Admin(const PscdProcess& pscd) {
    return std::make_unique<client::RegistryClient>(ClientOptionsAs(pscd.target(), "admin"));
  }

  // Every change from the start, as one replica lists them.
  static std::vector<v1::ChangeEvent> Changes(client::RegistryClient& client) {
    std::vector<v1::ChangeEvent> all;
    v1::ListChangesRequest request;
    request.set_page_size(1000);
    while (true) {
      auto page = client.ListChanges(request);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok() || page->changes().empty()) return all;
      all.insert(all.end(), page->changes().begin(), page->changes().end());
      request.set_after_sequence(page->next_after_sequence());
    }
  }

  EtcdCluster* cluster_ = nullptr;
  TempDir dir_;
};

TEST_F(ReplicasTest, AWriteThroughOneReplicaIsReadAndFoundThroughTheOther) {
  auto [a, b, on_a, on_b] = StartPair();
  ASSERT_TRUE(a && b);
  auto created = on_a->CreateCollaborative(MakeCollaborative("Wessex PSC"), {.id = "wessex"});
  ASSERT_TRUE(created.ok()) << created.status();
  // B's mirror follows etcd a few milliseconds behind.
  ASSERT_TRUE(Eventually([&] { return on_b->GetCollaborative("collaboratives/wessex").ok(); }));
  auto read = on_b->GetCollaborative("collaboratives/wessex");
  EXPECT_TRUE(MessageDifferencer::Equals(*read, *created));
  // Search on B, told which sequence to wait for, finds it.
  auto listed = on_a->ListCollaboratives({});
  ASSERT_TRUE(listed.ok()) << listed.status();
  v1::SearchRequest search;
  search.set_query("Wessex");
  search.set_min_sequence(listed->sequence());
  auto found = on_b->Search(search);
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->hits_size(), 1);
  // B updates it with A's etag; A's stale etag then conflicts, on either replica.
  v1::Collaborative change = *created;
  change.set_display_name("Wessex Patient Safety Collaborative");
  auto updated = on_b->UpdateCollaborative(change);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(on_a->UpdateCollaborative(change).status().code(), absl::StatusCode::kAborted);
  // One change log, the same on both.
  ASSERT_TRUE(Eventually([&] { return Changes(*on_a).size() == 2; }));
  const auto log_a = Changes(*on_a);
  const auto log_b = Changes(*on_b);
  ASSERT_EQ(log_a.size(), log_b.size());
  for (size_t i = 0; i < log_a.size(); ++i) {
    EXPECT_TRUE(MessageDifferencer::Equals(log_a[i], log_b[i])) << i;
  }
  // Each replica's status: the same store and positions, its mirror current, and (once both
  // have published) both indexes at the end of the log.
  for (auto* client : {on_a.get(), on_b.get()}) {
    ASSERT_TRUE(Eventually([&] {
      auto status = client->GetServerStatus();
      return status.ok() && status->store() == "etcd" && status->last_sequence() == 2 &&
             status->index_sequence() == 2 && status->replication().etcd_reachable() &&
             status->replication().mirror_revision() > 0 &&
             status->replication().slowest_replica_sequence() == 2;
    })) << client->GetServerStatus().status();
    auto status = client->GetServerStatus();
    EXPECT_TRUE(status->serving());
    EXPECT_LT(status->replication().mirror_age().seconds(), 2);
    EXPECT_FALSE(status->replication().etcd_out_of_space());
    EXPECT_GT(status->replication().etcd_db_size_bytes(), 0);
  }
}

// Records at their documented maximum size, many at once: groups are cut to fit etcd's
// --max-request-bytes (8 MiB), and each record reads back whole on the other replica.
TEST_F(ReplicasTest, LargestRecordsCommitTogetherAndReadBackOnTheOtherReplica) {
  auto [a, b, on_a, on_b] = StartPair();
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(on_a->CreateCollaborative(MakeCollaborative("Wessex PSC"), {.id = "wessex"}).ok());
  constexpr int kRecords = 24;  // ~170 KB each, and as much again in its change-log entry
  std::vector<absl::StatusOr<v1::Initiative>> created(kRecords);
  std::vector<std::thread> writers;
  for (int i = 0; i < kRecords; ++i) {
    writers.emplace_back([&, i] {
      created[i] = on_a->CreateInitiative(
          MakeLargestInitiative("collaboratives/wessex", absl::StrCat("Initiative ", i)),
          {.id = absl::StrCat("large-", i)});
    });
  }
  for (auto& w : writers) w.join();
  for (int i = 0; i < kRecords; ++i) {
    ASSERT_TRUE(created[i].ok()) << i << ": " << created[i].status();
    const std::string name = absl::StrCat("initiatives/large-", i);
    ASSERT_TRUE(Eventually([&] { return on_b->GetInitiative(name).ok(); }));
    EXPECT_TRUE(MessageDifferencer::Equals(*on_b->GetInitiative(name), *created[i])) << name;
  }
}

// Replicas share the page-token secret: a page token from one replica pages on the other.
TEST_F(ReplicasTest, APageTokenFromOneReplicaWorksOnAnother) {
  auto [a, b, on_a, on_b] = StartPair();
  ASSERT_TRUE(a && b);
  for (const char* id : {"one", "two", "three"}) {
    ASSERT_TRUE(
        on_a->CreateCollaborative(MakeCollaborative(std::string(id) + " PSC"), {.id = id}).ok());
  }
  v1::ListCollaborativesRequest request;
  request.set_page_size(2);
  auto first = on_a->ListCollaboratives(request);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_FALSE(first->next_page_token().empty());
  request.set_page_token(first->next_page_token());
  ASSERT_TRUE(Eventually([&] { return on_b->ListCollaboratives(request).ok(); }));
  auto second = on_b->ListCollaboratives(request);
  EXPECT_EQ(second->collaboratives_size(), 1);
}

// One replica killed: the other goes on serving reads and writes; the killed one, restarted on
// its data dir, catches up with what was written meanwhile.
TEST_F(ReplicasTest, AReplicaKilledLosesNothingAndCatchesUpOnRestart) {
  auto a = StartReplica("a");
  auto b = StartReplica("b");
  ASSERT_TRUE(a && b);
  auto on_a = Admin(*a);
  ASSERT_TRUE(on_a->CreateCollaborative(MakeCollaborative("Before PSC"), {.id = "before"}).ok());
  a->Stop(SIGKILL);
  auto on_b = Admin(*b);
  ASSERT_TRUE(Eventually([&] { return on_b->GetCollaborative("collaboratives/before").ok(); }));
  ASSERT_TRUE(on_b->CreateCollaborative(MakeCollaborative("During PSC"), {.id = "during"}).ok());
  a = StartReplica("a");
  ASSERT_NE(a, nullptr);
  on_a = Admin(*a);
  // Started, the replica has caught up with etcd: no waiting.
  EXPECT_TRUE(on_a->GetCollaborative("collaboratives/during").ok());
  EXPECT_TRUE(on_a->GetCollaborative("collaboratives/before").ok());
  auto after = on_a->CreateCollaborative(MakeCollaborative("After PSC"), {.id = "after"});
  ASSERT_TRUE(after.ok()) << after.status();
  ASSERT_TRUE(Eventually([&] { return Changes(*on_b).size() == 3; }));
  EXPECT_EQ(Changes(*on_a).size(), 3u);
}

// A replica whose own disk fills (no reserve: its mirror meets a real ENOSPC applying the other
// replica's writes) stays up and serves what it holds; once space is freed its mirror resumes
// by itself and catches up with every write.
TEST_F(ReplicasTest, AReplicaWhoseDiskFilledCatchesUpOnceSpaceIsFreed) {
  SmallDisk disk(dir_.Sub("disk"));
  if (!disk.mounted().ok()) GTEST_SKIP() << disk.mounted().message();
  auto a = StartReplica("disk/a", nullptr, {"--min-free-disk-mb", "0"});
  auto b = StartReplica("b");
  ASSERT_TRUE(a && b);
  auto on_a = Admin(*a);
  auto on_b = Admin(*b);
  ASSERT_TRUE(on_b->CreateCollaborative(MakeCollaborative("Wessex"), {.id = "wessex"}).ok());
  ASSERT_TRUE(Eventually([&] { return on_a->GetCollaborative("collaboratives/wessex").ok(); }));
  FillLeaving(disk.dir(), disk.dir() + "/filler", 4 * kMiB);

  // 12 MiB of experts through b: more than a's disk has left.
  std::vector<std::thread> writers;
  std::atomic<int> written{0};
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      auto client = Admin(*b);
      for (int i = 0; i < 750; ++i) {
        v1::Expert expert = MakeExpert("collaboratives/wessex");
        expert.set_bio(std::string(4000, 'b'));
        if (client->CreateExpert(expert, {.id = absl::StrCat("w", w, "-", i)}).ok()) ++written;
      }
    });
  }
  for (auto& t : writers) t.join();
  ASSERT_EQ(written, 3000);
  ASSERT_TRUE(a->WaitForLog("the mirror's disk is full")) << a->Log();
  ASSERT_EQ(kill(a->pid(), 0), 0) << a->Log();                        // still running
  EXPECT_TRUE(on_a->GetCollaborative("collaboratives/wessex").ok());  // and serving reads

  std::filesystem::remove(disk.dir() + "/filler");
  const absl::Time freed = absl::Now();
  ASSERT_TRUE(Eventually([&] { return on_a->GetExpert("experts/w3-749").ok(); }, absl::Seconds(30)))
      << a->Log();
  std::cout << "the replica caught up " << absl::FormatDuration(absl::Now() - freed)
            << " after space was freed\n";
  EXPECT_EQ(on_a->ListAllExperts()->size(), 3000u);
  EXPECT_EQ(Changes(*on_a).size(), Changes(*on_b).size());
  EXPECT_TRUE(a->WaitForLog("the mirror's disk has space again")) << a->Log();
  a.reset();  // before the disk goes
}

// etcd lost: reads go on from the mirror, writes fail with NO_QUORUM, and once the mirror is
// older than --etcd-lost-seconds health says NOT_SERVING (a load balancer drains the replica);
// etcd back, all of it recovers by itself. The metrics say what happened.
TEST_F(ReplicasTest, WhileEtcdIsLostReadsGoOnAndHealthDrainsTheReplica) {
  TempDir etcd_dir;
  auto own = EtcdCluster::Start({.dir = etcd_dir.path()});
  ASSERT_TRUE(own.ok()) << own.status();
  auto pscd = StartReplica("a", own->get(), {"--etcd-lost-seconds", "2"});
  ASSERT_NE(pscd, nullptr);
  auto client = Admin(*pscd);
  ASSERT_TRUE(client->CreateCollaborative(MakeCollaborative("Kept PSC"), {.id = "kept"}).ok());
  const auto metric = [&](const std::string& name) {
    auto text = HttpGet(pscd->metrics_target(), "/metrics");
    return text.ok() ? SampleValue(*text, name) : std::nullopt;
  };
  ASSERT_TRUE(Eventually([&] { return metric("psc_etcd_reachable") == 1.0; }));
  EXPECT_EQ(*client->IsServing(), true);

  (*own)->Signal(0, SIGKILL);
  auto refused = client->CreateCollaborative(MakeCollaborative("Lost PSC"), {.id = "lost"});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(Reason(refused.status()), "NO_QUORUM");
  EXPECT_TRUE(client->GetCollaborative("collaboratives/kept").ok());
  ASSERT_TRUE(Eventually([&] { return client->IsServing().value_or(true) == false; }));
  EXPECT_EQ(metric("psc_etcd_reachable"), 0.0);
  EXPECT_GE(metric("psc_etcd_mirror_age_seconds").value_or(0), 2.0);
  EXPECT_TRUE(client->GetCollaborative("collaboratives/kept").ok());  // draining, still serving
  // `psc admin status` says how stale this replica's reads are.
  auto status = client->GetServerStatus();
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_FALSE(status->serving());
  EXPECT_FALSE(status->replication().etcd_reachable());
  EXPECT_GE(status->replication().mirror_age().seconds(), 2);
  const std::string certs = TestCertsDir();
  ProcessResult cli = RunProcess(
      {PSC_CLI_PATH, "admin", "status"},
      {"PSC_TARGET=" + pscd->target(), "PSC_CA=" + certs + "/ca.crt",
       "PSC_CERT=" + certs + "/admin.crt", "PSC_KEY=" + certs + "/admin.key", "HOME=/nonexistent"});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_THAT(cli.out, ::testing::HasSubstr("serving          NO (health reports NOT_SERVING)\n"));
  EXPECT_THAT(cli.out, ::testing::HasSubstr("etcd             UNREACHABLE\n"));
  EXPECT_THAT(cli.out, ::testing::ContainsRegex("mirror +revision [0-9]+, [0-9.]+ s behind"));

  ASSERT_TRUE((*own)->Restart(0).ok());
  ASSERT_TRUE(Eventually([&] { return client->IsServing().value_or(false); }, absl::Seconds(20)));
  ASSERT_TRUE(Eventually(
      [&] {
        return client->CreateCollaborative(MakeCollaborative("Back PSC"), {.id = "back"}).ok();
      },
      absl::Seconds(20)));
  EXPECT_LT(metric("psc_etcd_mirror_age_seconds").value_or(99), 2.0);
  status = client->GetServerStatus();
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_TRUE(status->serving());
  EXPECT_TRUE(status->replication().etcd_reachable());
}

// pscd's own backups work on a replica: they copy its mirror, and a restore makes the registry
// an embedded store on one machine (for when the cluster itself is lost).
TEST_F(ReplicasTest, AReplicasBackupRestoresAsAnEmbeddedStore) {
  const std::string backups = dir_.Sub("backups");
  auto pscd = StartReplica("a", nullptr, {"--backup-dir", backups});
  ASSERT_NE(pscd, nullptr);
  auto admin = Admin(*pscd);
  for (const char* id : {"one", "two"}) {
    ASSERT_TRUE(
        admin->CreateCollaborative(MakeCollaborative(std::string(id) + " PSC"), {.id = id}).ok());
  }
  auto backup = admin->CreateBackup();
  ASSERT_TRUE(backup.ok()) << backup.status();
  EXPECT_EQ(backup->sequence(), 2u);
  ASSERT_TRUE(admin->CreateCollaborative(MakeCollaborative("After PSC"), {.id = "after"}).ok());
  pscd.reset();

  const std::string restored_dir = dir_.Sub("restored");
  ProcessResult restore =
      RunProcess({PscdPath(), "restore", "--from", backups, "--data-dir", restored_dir});
  ASSERT_EQ(restore.exit_code, 0) << restore.err;
  auto embedded = PscdProcess::Start({.data_dir = restored_dir});  // --store rocksdb
  ASSERT_TRUE(embedded.ok()) << embedded.status();
  auto reader = Admin(**embedded);
  auto listed = reader->ListAllCollaboratives();
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].name(), "collaboratives/one");
  EXPECT_EQ((*listed)[1].name(), "collaboratives/two");
  // And it takes writes, on one machine, after the backup's last sequence.
  auto created = reader->CreateCollaborative(MakeCollaborative("Three PSC"), {.id = "three"});
  ASSERT_TRUE(created.ok()) << created.status();
}

TEST_F(ReplicasTest, AnUnreachableClusterStopsStartWithAClearMessage) {
  auto pscd = PscdProcess::Start(
      {.data_dir = dir_.Sub("lonely"),
       .extra_args = {"--store", absl::StrCat("etcd:https://127.0.0.1:", FreeLoopbackPort()),
                      "--etcd-ca", TestCertsDir() + "/ca.crt", "--etcd-start-seconds", "1"}});
  ASSERT_FALSE(pscd.ok());
  EXPECT_THAT(std::string(pscd.status().message()),
              ::testing::HasSubstr("cannot load the registry from etcd"));
}

// A TLS file for etcd that is missing, or not PEM, is named by its flag, and nothing starts.
TEST_F(ReplicasTest, AnUnreadableEtcdCertificateIsNamedByItsFlag) {
  const std::string certs = TestCertsDir();
  for (const auto& [flag, bad] : std::vector<std::pair<std::string, std::string>>{
           {"--etcd-ca", "/nonexistent/ca.crt"}, {"--etcd-key", certs + "/principals.json"}}) {
    std::vector<std::string> args = {"--store",     "etcd:" + cluster_->endpoints(),
                                     "--etcd-ca",   certs + "/ca.crt",
                                     "--etcd-cert", certs + "/admin.crt",
                                     "--etcd-key",  certs + "/admin.key"};
    *(std::find(args.begin(), args.end(), flag) + 1) = bad;
    auto pscd = PscdProcess::Start({.data_dir = dir_.Sub("bad" + flag), .extra_args = args});
    ASSERT_FALSE(pscd.ok()) << flag;
    EXPECT_THAT(std::string(pscd.status().message()),
                ::testing::HasSubstr(flag + ": cannot read a PEM file at " + bad));
  }
}

}  // namespace
}  // namespace psc::testing
