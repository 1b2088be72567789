// The collaboration workflows over an in-memory store: each decision is one atomic commit, and
// the rules (who decides, capacity) hold without a server.

#include "server/registry/workflows/workflows.h"

#include "gtest/gtest.h"
#include "server/common/errors.h"
#include "server/registry/feed/change_feed.h"
#include "server/registry/kinds/kind_table.h"
#include "server/registry/workflows/sharing_capacity.h"
#include "tests/testing/registry_harness.h"

namespace psc::registry {
namespace {

using testing::LeadOf;
using testing::Written;

class WorkflowsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* id : {"wessex", "oxford", "west-of-england"}) h_.AddCollaborative(id);
    ASSERT_TRUE(h_.Create(LeadOf("oxford"), InitiativeKind(),
                          testing::MakeInitiative("collaboratives/oxford"), "huddles")
                    .ok());
  }

  absl::StatusOr<v1::JoinRequest> AskToJoin(const std::string& who) {
    return Written<v1::JoinRequest>([&](RecordCallback done) {
      workflows_.CreateJoinRequest(LeadOf(who), "initiatives/huddles", {}, {}, std::move(done));
    });
  }
  absl::StatusOr<v1::JoinRequest> DecideJoin(const Caller& caller, JoinDecision decision,
                                             const std::string& name) {
    return Written<v1::JoinRequest>([&](RecordCallback done) {
      workflows_.DecideJoinRequest(caller, decision, name, "", "", std::move(done));
    });
  }
  absl::StatusOr<v1::SharingRequest> RequestDays(const std::string& who, int days) {
    v1::SharingRequest request;
    request.set_initiative("initiatives/huddles");
    request.set_days_per_month(days);
    const absl::CivilMonth now = absl::ToCivilMonth(absl::Now(), absl::UTCTimeZone());
    request.mutable_start_month()->set_year(static_cast<int>(now.year()));
    request.mutable_start_month()->set_month(now.month());
    request.set_months(1);
    return Written<v1::SharingRequest>([&](RecordCallback done) {
      workflows_.CreateSharingRequest(LeadOf(who), "experts/hf", request, {}, std::move(done));
    });
  }
  absl::StatusOr<v1::SharingRequest> Accept(const std::string& name) {
    return Written<v1::SharingRequest>([&](RecordCallback done) {
      workflows_.DecideSharingRequest(LeadOf("west-of-england"), SharingDecision::kAccept, name, "",
                                      "", std::move(done));
    });
  }

  testing::RegistryHarness h_;
  Workflows workflows_{&h_.store(), &h_.registry()};
};

TEST_F(WorkflowsTest, ApprovingAJoinAddsTheParticipantInTheSameCommit) {
  auto request = AskToJoin("wessex");
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->state(), v1::JOIN_PENDING);
  const uint64_t before = h_.store().last_sequence();
  // Only the initiative's lead decides.
  EXPECT_EQ(DecideJoin(LeadOf("wessex"), JoinDecision::kApprove, request->name()).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(h_.store().last_sequence(), before);
  auto approved = DecideJoin(LeadOf("oxford"), JoinDecision::kApprove, request->name());
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->state(), v1::JOIN_APPROVED);
  auto initiative =
      h_.Get<v1::Initiative>(Caller::Admin(), InitiativeKind(), "initiatives/huddles");
  ASSERT_TRUE(initiative.ok());
  ASSERT_EQ(initiative->participant_collaboratives_size(), 1);
  EXPECT_EQ(initiative->participant_collaboratives(0), "collaboratives/wessex");
  // Two changes, consecutive, in one commit.
  EXPECT_EQ(h_.store().last_sequence(), before + 2);
  StoreChangeFeed feed(&h_.store());
  auto page = feed.Read(Caller::Admin(), before, {}, 10);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->events.size(), 2u);
  EXPECT_EQ(page->events[0].resource_name(), request->name());
  EXPECT_EQ(page->events[1].resource_name(), "initiatives/huddles");
  // Now a participant, Wessex cannot ask again.
  EXPECT_EQ(ErrorReason(AskToJoin("wessex").status()), "ALREADY_PARTICIPANT");
}

TEST_F(WorkflowsTest, AcceptedDaysNeverExceedTheOffer) {
  v1::Expert expert = testing::MakeExpert("collaboratives/west-of-england");
  expert.set_days_per_month_offered(3);
  auto created = h_.Create(Caller::Admin(), ExpertKind(), expert, "hf");
  ASSERT_TRUE(created.ok()) << created.status();
  // Oxford leads the initiative the days are for.
  auto first = RequestDays("oxford", 2);
  auto second = RequestDays("oxford", 2);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_TRUE(Accept(first->name()).ok());
  const uint64_t before = h_.store().last_sequence();
  EXPECT_EQ(ErrorReason(Accept(second->name()).status()), "OVERBOOKED");
  EXPECT_EQ(h_.store().last_sequence(), before);  // a refusal changes nothing
  auto free_days = FreeDaysNow(h_.registry(), *created, absl::Now());
  ASSERT_TRUE(free_days.ok());
  EXPECT_EQ(*free_days, 1);
}

TEST_F(WorkflowsTest, AStoreThatFailsFailsTheDecisionAndWritesNothing) {
  auto request = AskToJoin("wessex");
  ASSERT_TRUE(request.ok()) << request.status();
  const uint64_t before = h_.store().last_sequence();
  h_.store().FailCommits(absl::UnavailableError("disk full"));
  EXPECT_EQ(DecideJoin(LeadOf("oxford"), JoinDecision::kApprove, request->name()).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(h_.store().last_sequence(), before);
  h_.store().FailCommits(absl::OkStatus());
  EXPECT_TRUE(DecideJoin(LeadOf("oxford"), JoinDecision::kApprove, request->name()).ok());
}

}  // namespace
}  // namespace psc::registry
