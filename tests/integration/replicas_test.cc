// pscd replicas on one etcd cluster (--store etcd:URL...): real pscd processes, the real
// client library, a real etcd from Debian's etcd-server over mTLS.

#include <signal.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/integration/registry_fixture.h"
#include "tests/testing/etcd_store_options.h"
#include "tests/testing/eventually.h"

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

  // A replica on its own data dir (its mirror and search index), sharing the test's prefix.
  std::unique_ptr<PscdProcess> StartReplica(const std::string& name) {
    const std::string certs = TestCertsDir();
    auto pscd = PscdProcess::Start(
        {.data_dir = dir_.Sub(name),
         .extra_args = {
             "--store", "etcd:" + cluster_->endpoints(), "--etcd-ca", certs + "/ca.crt",
             "--etcd-cert", certs + "/admin.crt", "--etcd-key", certs + "/admin.key",
             "--etcd-prefix",
             absl::StrCat("/", ::testing::UnitTest::GetInstance()->current_test_info()->name(),
                          "/")}});
    EXPECT_TRUE(pscd.ok()) << pscd.status();
    return pscd.ok() ? *std::move(pscd) : nullptr;
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
  auto a = StartReplica("a");
  auto b = StartReplica("b");
  ASSERT_TRUE(a && b);
  auto on_a = Admin(*a);
  auto on_b = Admin(*b);
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
}

// Replicas share the page-token secret: a page token from one replica pages on the other.
TEST_F(ReplicasTest, APageTokenFromOneReplicaWorksOnAnother) {
  auto a = StartReplica("a");
  auto b = StartReplica("b");
  ASSERT_TRUE(a && b);
  auto on_a = Admin(*a);
  auto on_b = Admin(*b);
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

TEST_F(ReplicasTest, AnUnreachableClusterStopsStartWithAClearMessage) {
  auto pscd = PscdProcess::Start(
      {.data_dir = dir_.Sub("lonely"),
       .extra_args = {"--store", absl::StrCat("etcd:https://127.0.0.1:", FreeLoopbackPort()),
                      "--etcd-ca", TestCertsDir() + "/ca.crt", "--etcd-start-seconds", "1"}});
  ASSERT_FALSE(pscd.ok());
  EXPECT_THAT(std::string(pscd.status().message()),
              ::testing::HasSubstr("cannot load the registry from etcd"));
}

}  // namespace
}  // namespace psc::testing
