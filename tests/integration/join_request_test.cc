// Join requests, leaving and review decisions: every transition and who may make it.

#include "tests/integration/workflow_fixture.h"

namespace psc::testing {
namespace {

class JoinRequestTest : public WorkflowTest {
 protected:
  v1::JoinRequest AskToJoin() {
    v1::JoinRequest ask;
    ask.set_message("We run huddles in two trusts already");
    ask.set_proposed_role("Pilot sites");
    auto created = oxford_->CreateJoinRequest("initiatives/huddles", ask);
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? *created : v1::JoinRequest();
  }
};

TEST_F(JoinRequestTest, ApprovalMakesTheRequesterAParticipantInOneWrite) {
  v1::JoinRequest pending = AskToJoin();
  EXPECT_EQ(pending.state(), v1::JOIN_PENDING);
  EXPECT_EQ(pending.requesting_collaborative(), "collaboratives/oxford");
  EXPECT_EQ(pending.lead_collaborative(), "collaboratives/wessex");
  EXPECT_TRUE(pending.name().starts_with("initiatives/huddles/joinRequests/")) << pending.name();

  // A second request while one is pending.
  auto again = oxford_->CreateJoinRequest("initiatives/huddles", v1::JoinRequest());
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Reason(again.status()), "REQUEST_PENDING");

  // Only the lead decides: not the requester, not a member, not a reader.
  EXPECT_EQ(Reason(oxford_->ApproveJoinRequest(Decide(pending.name())).status()), "NOT_OWNER");
  EXPECT_EQ(Reason(ClientAs("member-wessex")->ApproveJoinRequest(Decide(pending.name())).status()),
            "ROLE_NOT_ALLOWED");
  EXPECT_EQ(Reason(ClientAs("reader")->ApproveJoinRequest(Decide(pending.name())).status()),
            "ROLE_NOT_ALLOWED");

  const uint64_t before = client_->ListChanges({})->current_sequence();
  auto approved = wessex_->ApproveJoinRequest(Decide(pending.name()));
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->state(), v1::JOIN_APPROVED);
  EXPECT_EQ(approved->decided_by(), "spiffe://psc-registry/collaboratives/wessex/people/lead");
  auto initiative = client_->GetInitiative("initiatives/huddles");
  ASSERT_TRUE(initiative.ok());
  EXPECT_EQ(initiative->participant_collaboratives(0), "collaboratives/oxford");

  // Both changes, consecutive, in the feed.
  v1::ListChangesRequest feed;
  feed.set_after_sequence(before);
  auto changes = client_->ListChanges(feed);
  ASSERT_TRUE(changes.ok());
  ASSERT_EQ(changes->changes_size(), 2);
  EXPECT_EQ(changes->changes(0).resource_name(), pending.name());
  EXPECT_EQ(changes->changes(1).resource_name(), "initiatives/huddles");
  EXPECT_EQ(changes->changes(1).sequence(), changes->changes(0).sequence() + 1);

  // Decided: no second decision.
  auto twice = wessex_->DeclineJoinRequest(Decide(pending.name(), "changed our mind"));
  EXPECT_EQ(twice.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Reason(twice.status()), "INVALID_STATE");
  // A participant cannot ask again.
  EXPECT_EQ(Reason(oxford_->CreateJoinRequest("initiatives/huddles", {}).status()),
            "ALREADY_PARTICIPANT");
}

TEST_F(JoinRequestTest, DeclineNeedsAReasonAndWithdrawIsTheRequesters) {
  v1::JoinRequest first = AskToJoin();
  auto no_reason = wessex_->DeclineJoinRequest(Decide(first.name()));
  EXPECT_EQ(no_reason.status().code(), absl::StatusCode::kInvalidArgument);
  auto declined = wessex_->DeclineJoinRequest(Decide(first.name(), "Full for this phase"));
  ASSERT_TRUE(declined.ok()) << declined.status();
  EXPECT_EQ(declined->state(), v1::JOIN_DECLINED);
  EXPECT_EQ(declined->decision_reason(), "Full for this phase");

  // After a decline it may ask again; only the requester withdraws.
  v1::JoinRequest second = AskToJoin();
  EXPECT_EQ(Reason(wessex_->WithdrawJoinRequest(Decide(second.name())).status()), "NOT_OWNER");
  auto withdrawn = oxford_->WithdrawJoinRequest(Decide(second.name()));
  ASSERT_TRUE(withdrawn.ok()) << withdrawn.status();
  EXPECT_EQ(withdrawn->state(), v1::JOIN_WITHDRAWN);
  EXPECT_EQ(Reason(oxford_->WithdrawJoinRequest(Decide(second.name())).status()), "INVALID_STATE");
  auto initiative = client_->GetInitiative("initiatives/huddles");
  EXPECT_EQ(initiative->participant_collaboratives_size(), 0);

  // A stale etag is refused.
  v1::JoinRequest third = AskToJoin();
  v1::DecideRequest stale = Decide(third.name());
  stale.set_etag("1");
  EXPECT_EQ(wessex_->ApproveJoinRequest(stale).status().code(), absl::StatusCode::kAborted);
  // A missing request, a bad name.
  EXPECT_EQ(
      wessex_->ApproveJoinRequest(Decide("initiatives/huddles/joinRequests/nope")).status().code(),
      absl::StatusCode::kNotFound);
  EXPECT_EQ(wessex_->ApproveJoinRequest(Decide("joinRequests/x")).status().code(),
            absl::StatusCode::kInvalidArgument);
  // The lead cannot join its own initiative, nor ask for another PSC.
  EXPECT_EQ(Reason(wessex_->CreateJoinRequest("initiatives/huddles", {}).status()),
            "ALREADY_PARTICIPANT");
  v1::JoinRequest for_other;
  for_other.set_requesting_collaborative("collaboratives/oxford");
  EXPECT_EQ(Reason(wessex_->CreateJoinRequest("initiatives/huddles", for_other).status()),
            "NOT_OWNER");
  EXPECT_EQ(oxford_->CreateJoinRequest("initiatives/nope", {}).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(JoinRequestTest, ListsPerInitiativeAndPerCollaborativeInBothDirections) {
  v1::JoinRequest asked = AskToJoin();
  auto names = [&](const std::string& parent, v1::Direction direction) {
    v1::ListJoinRequestsRequest request;
    request.set_parent(parent);
    request.set_direction(direction);
    auto page = client_->ListJoinRequests(request);
    EXPECT_TRUE(page.ok()) << page.status();
    std::vector<std::string> out;
    if (page.ok()) {
      for (const auto& r : page->join_requests()) out.push_back(r.name());
    }
    return out;
  };
  const std::vector<std::string> one = {asked.name()};
  EXPECT_EQ(names("initiatives/huddles", v1::DIRECTION_UNSPECIFIED), one);
  EXPECT_EQ(names("collaboratives/oxford", v1::OUTGOING), one);
  EXPECT_EQ(names("collaboratives/wessex", v1::INCOMING), one);
  EXPECT_TRUE(names("collaboratives/wessex", v1::OUTGOING).empty());
  EXPECT_TRUE(names("collaboratives/oxford", v1::INCOMING).empty());
  v1::ListJoinRequestsRequest no_direction;
  no_direction.set_parent("collaboratives/oxford");
  EXPECT_EQ(client_->ListJoinRequests(no_direction).status().code(),
            absl::StatusCode::kInvalidArgument);
  v1::ListJoinRequestsRequest atlas;
  atlas.set_parent("initiatives/huddles");
  EXPECT_EQ(ClientAs("atlas")->ListJoinRequests(atlas).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(JoinRequestTest, AParticipantMayLeave) {
  v1::JoinRequest asked = AskToJoin();
  ASSERT_TRUE(wessex_->ApproveJoinRequest(Decide(asked.name())).ok());
  v1::LeaveInitiativeRequest leave;
  leave.set_name("initiatives/huddles");
  EXPECT_EQ(Reason(ClientAs("member-wessex")->LeaveInitiative(leave).status()), "ROLE_NOT_ALLOWED");
  auto left = oxford_->LeaveInitiative(leave);
  ASSERT_TRUE(left.ok()) << left.status();
  EXPECT_EQ(left->participant_collaboratives_size(), 0);
  EXPECT_EQ(Reason(oxford_->LeaveInitiative(leave).status()), "NOT_A_PARTICIPANT");
  EXPECT_EQ(Reason(wessex_->LeaveInitiative(leave).status()), "NOT_A_PARTICIPANT");  // the lead
}

TEST_F(JoinRequestTest, ReviewDecisionsAndStopInTheFeedOfParticipants) {
  v1::JoinRequest asked = AskToJoin();
  ASSERT_TRUE(wessex_->ApproveJoinRequest(Decide(asked.name())).ok());
  v1::ReviewInitiativeRequest review;
  review.set_name("initiatives/huddles");
  review.set_outcome(v1::SCALE_UP);
  review.set_rationale("Falls down 20% on pilot wards");
  EXPECT_EQ(Reason(oxford_->ReviewInitiative(review).status()), "NOT_OWNER");  // a participant
  auto scaled = wessex_->ReviewInitiative(review);
  ASSERT_TRUE(scaled.ok()) << scaled.status();
  EXPECT_EQ(scaled->last_review().outcome(), v1::SCALE_UP);
  EXPECT_GT(scaled->last_review().decided_on().year(), 2000);

  review.set_outcome(v1::STOP);
  review.clear_rationale();
  EXPECT_EQ(wessex_->ReviewInitiative(review).status().code(), absl::StatusCode::kInvalidArgument);
  review.set_outcome(v1::REVIEW_OUTCOME_UNSPECIFIED);
  EXPECT_EQ(wessex_->ReviewInitiative(review).status().code(), absl::StatusCode::kInvalidArgument);

  const uint64_t before = client_->ListChanges({})->current_sequence();
  review.set_outcome(v1::STOP);
  review.set_rationale("Superseded by the national programme");
  auto stopped = client_->ReviewInitiative(review);  // an admin may too
  ASSERT_TRUE(stopped.ok()) << stopped.status();
  EXPECT_EQ(stopped->status(), v1::STOPPED);
  EXPECT_EQ(stopped->status_reason(), "Superseded by the national programme");

  // The participant sees the decision in its change feed.
  v1::ListChangesRequest feed;
  feed.set_after_sequence(before);
  auto changes = oxford_->ListChanges(feed);
  ASSERT_TRUE(changes.ok()) << changes.status();
  ASSERT_EQ(changes->changes_size(), 1);
  EXPECT_EQ(changes->changes(0).initiative().last_review().outcome(), v1::STOP);
  EXPECT_EQ(changes->changes(0).initiative().status(), v1::STOPPED);

  // Stopped is final: a further stop is still a decision, but CONTINUE cannot revive it.
  review.set_outcome(v1::CONTINUE);
  auto continued = wessex_->ReviewInitiative(review);
  ASSERT_TRUE(continued.ok()) << continued.status();
  EXPECT_EQ(continued->status(), v1::STOPPED);
}

}  // namespace
}  // namespace psc::testing
