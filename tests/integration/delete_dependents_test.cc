// No pinning: requests never stop their initiative or expert being deleted; a delete takes its
// requests with it in one commit, each in the change feed. And a sharing request must be for
// work the requester shares in.

#include <functional>

#include "tests/integration/workflow_fixture.h"

namespace psc::testing {
namespace {

class DeleteDependentsTest : public WorkflowTest {
 protected:
  // The changes after `after`, as the admin sees them.
  std::vector<v1::ChangeEvent> ChangesAfter(uint64_t after) {
    v1::ListChangesRequest request;
    request.set_after_sequence(after);
    request.set_page_size(1000);
    auto page = client_->ListChanges(request);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? std::vector<v1::ChangeEvent>(page->changes().begin(), page->changes().end())
                     : std::vector<v1::ChangeEvent>{};
  }
  // The names of Oxford's outgoing join and sharing requests, whatever their state.
  std::vector<std::string> OxfordsRequests() {
    std::vector<std::string> names;
    v1::ListJoinRequestsRequest joins;
    joins.set_parent("collaboratives/oxford");
    joins.set_direction(v1::OUTGOING);
    auto j = client_->ListJoinRequests(joins);
    EXPECT_TRUE(j.ok()) << j.status();
    for (const auto& r : j->join_requests()) names.push_back(r.name());
    v1::ListSharingRequestsRequest sharing;
    sharing.set_parent("collaboratives/oxford");
    sharing.set_direction(v1::OUTGOING);
    auto s = client_->ListSharingRequests(sharing);
    EXPECT_TRUE(s.ok()) << s.status();
    for (const auto& r : s->sharing_requests()) names.push_back(r.name());
    return names;
  }
  // Runs `remove`, a delete of `record`, and expects it to have taken `request` along in the
  // same commit: the request's DELETED change, then the record's, under consecutive sequences.
  void ExpectDeletedWithItsRequest(const std::function<absl::Status()>& remove,
                                   const std::string& record, const std::string& request) {
    const uint64_t before = Now();
    ASSERT_TRUE(remove().ok());
    EXPECT_TRUE(OxfordsRequests().empty());
    std::vector<v1::ChangeEvent> changes = ChangesAfter(before);
    ASSERT_EQ(changes.size(), 2u);
    EXPECT_EQ(changes[0].resource_name(), request);
    EXPECT_EQ(changes[0].change_type(), v1::DELETED);
    EXPECT_EQ(changes[1].resource_name(), record);
    EXPECT_EQ(changes[1].change_type(), v1::DELETED);
    EXPECT_EQ(changes[1].sequence(), changes[0].sequence() + 1);
    EXPECT_EQ(changes[0].commit_time().DebugString(), changes[1].commit_time().DebugString());
  }
  uint64_t Now() {
    v1::ListChangesRequest request;
    request.set_page_size(1);
    return client_->ListChanges(request)->current_sequence();
  }
};

TEST_F(DeleteDependentsTest, AWithdrawnJoinRequestDoesNotPinTheInitiative) {
  v1::JoinRequest ask;
  ask.set_message("May we join?");
  auto asked = oxford_->CreateJoinRequest("initiatives/huddles", ask);
  ASSERT_TRUE(asked.ok()) << asked.status();
  ASSERT_TRUE(oxford_->WithdrawJoinRequest(Decide(asked->name())).ok());
  ExpectDeletedWithItsRequest([&] { return wessex_->DeleteInitiative("initiatives/huddles"); },
                              "initiatives/huddles", asked->name());
  // And the request's history ends with its removal.
  v1::ListResourceHistoryRequest history;
  history.set_name(asked->name());
  auto h = client_->ListResourceHistory(history);
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(h->changes(h->changes_size() - 1).change_type(), v1::DELETED);
}

TEST_F(DeleteDependentsTest, AnAdminDeletesAnInitiativeWithAPendingJoinRequest) {
  auto asked = oxford_->CreateJoinRequest("initiatives/huddles", v1::JoinRequest());
  ASSERT_TRUE(asked.ok()) << asked.status();
  ASSERT_TRUE(client_->DeleteInitiative("initiatives/huddles").ok());
  EXPECT_TRUE(OxfordsRequests().empty());
}

TEST_F(DeleteDependentsTest, ACancelledSharingRequestDoesNotPinTheExpert) {
  OxfordJoinsHuddles();
  auto asked = oxford_->CreateSharingRequest("experts/ada", Days(1, 2027, 1, 1));
  ASSERT_TRUE(asked.ok()) << asked.status();
  ASSERT_TRUE(oxford_->CancelSharingRequest(Decide(asked->name())).ok());
  ExpectDeletedWithItsRequest([&] { return wessex_->DeleteExpert("experts/ada"); }, "experts/ada",
                              asked->name());
}

TEST_F(DeleteDependentsTest, DeletingAnInitiativeEndsTheExpertDaysBookedForIt) {
  OxfordJoinsHuddles();
  auto asked = oxford_->CreateSharingRequest("experts/ada", Days(2, 2027, 1, 3));
  ASSERT_TRUE(asked.ok()) << asked.status();
  ASSERT_TRUE(wessex_->AcceptSharingRequest(Decide(asked->name())).ok());
  ExpectDeletedWithItsRequest([&] { return wessex_->DeleteInitiative("initiatives/huddles"); },
                              "initiatives/huddles", asked->name());
  // The days are free again: a new request for all 4 is accepted.
  ASSERT_TRUE(
      wessex_->CreateInitiative(MakeInitiative("collaboratives/wessex"), {.id = "next"}).ok());
  v1::SharingRequest all = Days(4, 2027, 1, 3);
  all.set_initiative("initiatives/next");
  auto again = wessex_->CreateSharingRequest("experts/ada", all);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(wessex_->AcceptSharingRequest(Decide(again->name())).ok());
}

TEST_F(DeleteDependentsTest, ASharingRequestMustBeForWorkTheRequesterSharesIn) {
  // Oxford's initiative, in which Wessex takes no part.
  ASSERT_TRUE(oxford_->CreateInitiative(MakeInitiative("collaboratives/oxford"), {.id = "o"}).ok());
  v1::SharingRequest for_oxford = Days(1, 2027, 1, 1);
  for_oxford.set_initiative("initiatives/o");
  auto refused = wessex_->CreateSharingRequest("experts/ada", for_oxford);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Reason(refused.status()), "NOT_IN_INITIATIVE");
  ASSERT_EQ(client::GetErrorDetails(refused.status()).field_violations.size(), 1u);
  EXPECT_EQ(client::GetErrorDetails(refused.status()).field_violations[0].field,
            "sharing_request.initiative");
  EXPECT_EQ(Reason(oxford_->CreateSharingRequest("experts/ada", Days(1, 2027, 1, 1)).status()),
            "NOT_IN_INITIATIVE");  // huddles is Wessex's alone
  // The lead's own initiative, and one it takes part in, are fine.
  EXPECT_TRUE(oxford_->CreateSharingRequest("experts/ada", for_oxford).ok());
  OxfordJoinsHuddles();
  EXPECT_TRUE(oxford_->CreateSharingRequest("experts/ada", Days(1, 2027, 1, 1)).ok());
  // And Oxford's initiative is not pinned by them.
  EXPECT_TRUE(oxford_->DeleteInitiative("initiatives/o").ok());
}

TEST_F(DeleteDependentsTest, OtherReferencesStillProtectARecord) {
  // A case study refers to the initiative: that is a record, not a request.
  v1::CaseStudy study = MakeCaseStudy("collaboratives/wessex");
  study.set_initiative("initiatives/huddles");
  ASSERT_TRUE(wessex_->CreateCaseStudy(study, {.id = "cs"}).ok());
  auto asked = oxford_->CreateJoinRequest("initiatives/huddles", v1::JoinRequest());
  ASSERT_TRUE(asked.ok());
  EXPECT_EQ(Reason(wessex_->DeleteInitiative("initiatives/huddles")), "RESOURCE_IN_USE");
  EXPECT_EQ(OxfordsRequests(), std::vector<std::string>{asked->name()});  // nothing written
}

}  // namespace
}  // namespace psc::testing
