// GetServerStatus and `psc admin status` against a real pscd on the embedded store (a replica
// over etcd: replicas_test.cc).

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/integration/cli_fixture.h"
#include "tests/testing/eventually.h"

namespace psc::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

using ServerStatusTest = CliTest;

TEST_F(ServerStatusTest, AnAdminSeesTheStoreAndHowFarTheIndexHasRead) {
  const absl::Time started = absl::Now();
  auto before = client_->GetServerStatus();
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_THAT(before->version(), HasSubstr("pscd "));
  EXPECT_EQ(before->store(), "rocksdb");
  EXPECT_TRUE(before->serving());
  EXPECT_FALSE(before->has_replication());         // no etcd
  EXPECT_FALSE(before->has_latest_backup_time());  // no --backup-dir
  EXPECT_GT(before->free_disk_bytes(), 0u);
  EXPECT_LE(absl::FromUnixSeconds(before->start_time().seconds()), started);

  for (int i = 0; i < 5; ++i) AddCollaborative(absl::StrCat("c", i));
  auto list = client_->ListCollaboratives(v1::ListCollaborativesRequest());
  ASSERT_TRUE(list.ok()) << list.status();
  auto after = client_->GetServerStatus();
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->last_sequence(), before->last_sequence() + 5);
  EXPECT_EQ(after->last_sequence(), list->sequence());
  EXPECT_GE(after->first_sequence(), 1u);
  EXPECT_LE(after->first_sequence(), after->last_sequence());
  EXPECT_EQ(after->start_time().seconds(), before->start_time().seconds());
  EXPECT_TRUE(Eventually([&] {
    auto now = client_->GetServerStatus();
    return now.ok() && now->index_sequence() == after->last_sequence();
  }));
}

TEST_F(ServerStatusTest, EveryOtherRoleIsRefused) {
  for (const char* who : {"lead-wessex", "member-wessex", "reader", "atlas"}) {
    absl::Status s = ClientAs(who)->GetServerStatus().status();
    EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied) << who;
    EXPECT_EQ(Reason(s), "ROLE_NOT_ALLOWED") << who;
    EXPECT_THAT(s.message(), HasSubstr("only admins")) << who;
  }
  ProcessResult refused = PscAs("reader", {"admin", "status"});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_THAT(refused.err, HasSubstr("only admins read the server's status"));
  EXPECT_EQ(refused.out, "");
}

TEST_F(ServerStatusTest, TheCliPrintsItForPeopleAndAsJsonForScripts) {
  AddCollaborative("wessex");
  ProcessResult text = Psc({"admin", "status"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("store          rocksdb\n"));
  EXPECT_THAT(text.out, HasSubstr("serving        yes\n"));
  EXPECT_THAT(text.out, HasSubstr("latest backup  none\n"));
  EXPECT_THAT(text.out, MatchesRegex("(.|\n)*change log +sequences [0-9]+ to 1\n(.|\n)*"));
  EXPECT_THAT(text.out, Not(HasSubstr("etcd")));

  ProcessResult json = Psc({"admin", "status", "--output", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  v1::ServerStatus parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json.out, &parsed).ok()) << json.out;
  EXPECT_EQ(parsed.store(), "rocksdb");
  EXPECT_EQ(parsed.last_sequence(), 1u);
}

}  // namespace
}  // namespace psc::testing
