// A complete export: join and sharing requests in every state travel through psc export and
// psc import (created as recorded, admins only), so a copy holds the same records.

#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/cli_fixture.h"

namespace psc::testing {
namespace {

using ::testing::HasSubstr;

class ExportRequestsTest : public CliTest {
 protected:
  // Wessex leads initiatives/huddles (Oxford and Kent take part) and is home to experts/ada
  // (shareable, 6 days a month); requests in every state.
  void MakeRequestsInEveryState() {
    for (const char* id : {"wessex", "oxford", "kent", "london"}) AddCollaborative(id);
    v1::Initiative huddles = MakeInitiative("collaboratives/wessex");
    ASSERT_TRUE(client_->CreateInitiative(huddles, {.id = "huddles"}).ok());
    v1::Expert ada = MakeExpert("collaboratives/wessex", "Ada Example");
    ada.set_shareable(true);
    ada.set_days_per_month_offered(6);
    ASSERT_TRUE(client_->CreateExpert(ada, {.id = "ada"}).ok());

    // Join requests: approved (Oxford, Kent), declined, withdrawn, pending (London).
    auto join = [&](const std::string& who) {
      v1::JoinRequest r;
      r.set_requesting_collaborative("collaboratives/" + who);
      r.set_message(who + " would like to join");
      auto created = client_->CreateJoinRequest("initiatives/huddles", r);
      EXPECT_TRUE(created.ok()) << created.status();
      return created.ok() ? created->name() : "";
    };
    ASSERT_TRUE(client_->DeclineJoinRequest(Decide(join("oxford"), "not this year")).ok());
    ASSERT_TRUE(client_->WithdrawJoinRequest(Decide(join("oxford"))).ok());
    ASSERT_TRUE(client_->ApproveJoinRequest(Decide(join("oxford"))).ok());
    ASSERT_TRUE(client_->ApproveJoinRequest(Decide(join("kent"))).ok());
    join("london");

    // Sharing requests: pending, accepted, declined, cancelled, completed.
    auto ask = [&](const std::string& who, int days, int month) {
      v1::SharingRequest r;
      r.set_requesting_collaborative("collaboratives/" + who);
      r.set_initiative("initiatives/huddles");
      r.set_days_per_month(days);
      r.mutable_start_month()->set_year(2027);
      r.mutable_start_month()->set_month(month);
      r.set_months(2);
      auto created = client_->CreateSharingRequest("experts/ada", r);
      EXPECT_TRUE(created.ok()) << created.status();
      return created.ok() ? created->name() : "";
    };
    ask("oxford", 1, 1);
    ASSERT_TRUE(client_->AcceptSharingRequest(Decide(ask("oxford", 3, 3))).ok());
    ASSERT_TRUE(client_->DeclineSharingRequest(Decide(ask("kent", 2, 3), "booked")).ok());
    ASSERT_TRUE(client_->CancelSharingRequest(Decide(ask("kent", 2, 5), "no longer needed")).ok());
    const std::string done = ask("kent", 2, 7);
    ASSERT_TRUE(client_->AcceptSharingRequest(Decide(done)).ok());
    v1::CompleteSharingRequestRequest complete;
    complete.set_name(done);
    complete.set_days_delivered(3);
    complete.set_feedback("ran two human factors sessions");
    ASSERT_TRUE(client_->CompleteSharingRequest(complete).ok());
  }

  static v1::DecideRequest Decide(const std::string& name, const std::string& reason = "") {
    v1::DecideRequest request;
    request.set_name(name);
    request.set_reason(reason);
    return request;
  }
};

std::vector<std::string> LinesWith(const std::vector<std::string>& lines, const std::string& text) {
  std::vector<std::string> out;
  for (const std::string& line : lines) {
    if (line.find(text) != std::string::npos) out.push_back(line);
  }
  return out;
}

TEST_F(ExportRequestsTest, RequestsInEveryStateSurviveAnExportAndImport) {
  MakeRequestsInEveryState();
  ProcessResult first = Psc({"export"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_THAT(first.err, HasSubstr("exported 5 join requests"));
  EXPECT_THAT(first.err, HasSubstr("exported 5 sharing requests"));
  const std::vector<std::string> a = NormalizedExport(first.out);
  for (const char* state :
       {"JOIN_PENDING", "JOIN_APPROVED", "JOIN_DECLINED", "JOIN_WITHDRAWN", "SHARING_PENDING",
        "SHARING_ACCEPTED", "SHARING_DECLINED", "SHARING_CANCELLED", "SHARING_COMPLETED"}) {
    EXPECT_FALSE(LinesWith(a, state).empty()) << state;
  }
  const std::string file = WriteFile("export.jsonl", first.out);

  TempDir other_dir;
  auto other = PscdProcess::Start({.data_dir = other_dir.Sub("data")});
  ASSERT_TRUE(other.ok()) << other.status();
  const std::vector<std::string> env = CliEnv((*other)->target(), "admin");
  ProcessResult imported = RunProcess({PSC_CLI_PATH, "import", file}, env);
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_THAT(imported.err, HasSubstr("0 rejected"));
  ProcessResult second = RunProcess({PSC_CLI_PATH, "export"}, env);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(a, NormalizedExport(second.out));  // names, fields, states, decisions, references

  // Idempotent: a second import changes nothing.
  ProcessResult again = RunProcess({PSC_CLI_PATH, "import", file}, env);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.err, HasSubstr("nothing to change"));

  // The copy's workflows go on from the recorded states: the accepted days still count.
  client::RegistryClient copy(ClientOptionsAs((*other)->target(), "admin"));
  v1::SharingRequest more;
  more.set_requesting_collaborative("collaboratives/oxford");
  more.set_initiative("initiatives/huddles");
  more.set_days_per_month(4);
  more.mutable_start_month()->set_year(2027);
  more.mutable_start_month()->set_month(3);
  more.set_months(1);
  auto asked = copy.CreateSharingRequest("experts/ada", more);
  ASSERT_TRUE(asked.ok()) << asked.status();
  absl::Status overbooked = copy.AcceptSharingRequest(Decide(asked->name())).status();
  EXPECT_EQ(Reason(overbooked), "OVERBOOKED");  // 3 of 6 days accepted in March already
}

TEST_F(ExportRequestsTest, AnImportNeverChangesARequestThatIsThere) {
  MakeRequestsInEveryState();
  ProcessResult exported = Psc({"export"});
  ASSERT_EQ(exported.exit_code, 0);
  // The pending London request, edited to look approved, against the registry it came from.
  std::vector<std::string> lines = LinesWith(
      std::vector<std::string>(absl::StrSplit(exported.out, '\n')), "collaboratives/london");
  ASSERT_EQ(lines.size(), 2u);  // the collaborative and its join request
  std::string edited = lines[1];
  edited.replace(edited.find("JOIN_PENDING"), 12, "JOIN_APPROVED");
  ProcessResult r = Psc({"import", WriteFile("edited.jsonl", edited + "\n")});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_THAT(r.err, HasSubstr("REQUEST_DIFFERS"));
}

TEST_F(ExportRequestsTest, OnlyAdminsCreateRequestsAsRecorded) {
  MakeRequestsInEveryState();
  v1::CreateJoinRequestRequest create;
  create.set_parent("initiatives/huddles");
  create.mutable_join_request()->set_requesting_collaborative("collaboratives/london");
  create.mutable_join_request()->set_state(v1::JOIN_APPROVED);
  create.set_join_request_id("forged");
  create.set_as_recorded(true);
  for (const char* who : {"lead-wessex", "lead-oxford", "member-wessex", "reader", "atlas"}) {
    absl::Status s = ClientAs(who)->CreateJoinRequest(create).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied) << who;
    EXPECT_EQ(Reason(s), "ROLE_NOT_ALLOWED") << who;
  }
  // As recorded, the state must be one; an id must be an RFC-1034 label and free.
  create.mutable_join_request()->clear_state();
  EXPECT_EQ(Reason(client_->CreateJoinRequest(create).status()), "VALIDATION_FAILED");
  create.mutable_join_request()->set_state(v1::JOIN_APPROVED);
  create.set_join_request_id("Not An Id");
  EXPECT_EQ(Reason(client_->CreateJoinRequest(create).status()), "VALIDATION_FAILED");
  create.set_join_request_id("forged");
  ASSERT_TRUE(client_->CreateJoinRequest(create).ok());
  EXPECT_EQ(Reason(client_->CreateJoinRequest(create).status()), "RESOURCE_EXISTS");
  // A sharing request as recorded may not overbook the expert either.
  v1::CreateSharingRequestRequest share;
  share.set_parent("experts/ada");
  v1::SharingRequest* r = share.mutable_sharing_request();
  r->set_requesting_collaborative("collaboratives/london");
  r->set_initiative("initiatives/huddles");
  r->set_days_per_month(5);
  r->mutable_start_month()->set_year(2027);
  r->mutable_start_month()->set_month(3);
  r->set_months(1);
  r->set_state(v1::SHARING_ACCEPTED);
  share.set_as_recorded(true);
  EXPECT_EQ(Reason(client_->CreateSharingRequest(share).status()), "OVERBOOKED");
}

}  // namespace
}  // namespace psc::testing
