// Initiative lifecycle rules: legal status transitions, and the measurement plan an initiative
// needs to become active unless an admin records an override.

#include "tests/integration/registry_fixture.h"

namespace psc::testing {
namespace {

class LifecycleTest : public RegistryTest {
 protected:
  void SetUp() override {
    RegistryTest::SetUp();
    AddCollaborative("wessex");
    lead_ = ClientAs("lead-wessex");
  }

  // Moves `initiative` to `status` as `client`.
  absl::StatusOr<v1::Initiative> MoveTo(client::RegistryClient& client, v1::Initiative initiative,
                                        v1::InitiativeStatus status,
                                        const std::string& reason = "") {
    initiative.set_status(status);
    initiative.set_status_reason(reason);
    google::protobuf::FieldMask mask;
    mask.add_paths("status");
    mask.add_paths("status_reason");
    return client.UpdateInitiative(initiative, mask);
  }

  std::unique_ptr<client::RegistryClient> lead_;
};

TEST_F(LifecycleTest, LegalTransitionsPassAndIllegalOnesAreRefused) {
  auto i = lead_->CreateInitiative(MakeInitiative("collaboratives/wessex"), {.id = "huddles"});
  ASSERT_TRUE(i.ok()) << i.status();
  ASSERT_EQ(i->status(), v1::PROPOSED);
  ASSERT_EQ(i->measurement_plan_status(), v1::COMPLETE);

  auto completed = MoveTo(*lead_, *i, v1::COMPLETED);
  EXPECT_EQ(completed.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Reason(completed.status()), "INVALID_TRANSITION");
  EXPECT_NE(completed.status().message().find("from PROPOSED to COMPLETED"), std::string::npos);

  for (v1::InitiativeStatus next : {v1::ACTIVE, v1::SPREADING, v1::PAUSED, v1::ACTIVE,
                                    v1::COMPLETED, v1::SPREADING, v1::STOPPED}) {
    const bool needs_reason = next == v1::PAUSED || next == v1::STOPPED;
    auto moved = MoveTo(*lead_, *i, next, needs_reason ? "because" : "");
    ASSERT_TRUE(moved.ok()) << v1::InitiativeStatus_Name(next) << ": " << moved.status();
    i = moved;
  }
  // Stopped is final.
  auto revived = MoveTo(*lead_, *i, v1::ACTIVE);
  EXPECT_EQ(Reason(revived.status()), "INVALID_TRANSITION");
  auto after = client_->GetInitiative("initiatives/huddles");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->status(), v1::STOPPED);
}

TEST_F(LifecycleTest, ActiveNeedsACompletePlanOrAnAdminsRecordedOverride) {
  v1::Initiative draft = MakeInitiative("collaboratives/wessex");
  draft.clear_milestones();
  draft.set_status(v1::ACTIVE);
  auto refused = lead_->CreateInitiative(draft, {.id = "no-plan"});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Reason(refused.status()), "MEASUREMENT_PLAN_INCOMPLETE");
  EXPECT_NE(refused.status().message().find("no milestone"), std::string::npos);

  draft.set_status(v1::PROPOSED);
  auto proposed = lead_->CreateInitiative(draft, {.id = "no-plan"});
  ASSERT_TRUE(proposed.ok()) << proposed.status();
  EXPECT_EQ(Reason(MoveTo(*lead_, *proposed, v1::ACTIVE).status()), "MEASUREMENT_PLAN_INCOMPLETE");

  // A lead may not record an override; an admin may, and it is kept on the record.
  v1::Initiative with_reason = *proposed;
  with_reason.set_status_override_reason("Board agreed to start while the plan is finished");
  with_reason.set_status(v1::ACTIVE);
  google::protobuf::FieldMask mask;
  mask.add_paths("status");
  mask.add_paths("status_override_reason");
  auto by_lead = lead_->UpdateInitiative(with_reason, mask);
  EXPECT_EQ(by_lead.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Reason(by_lead.status()), "ADMIN_ONLY_FIELD");
  auto by_admin = client_->UpdateInitiative(with_reason, mask);
  ASSERT_TRUE(by_admin.ok()) << by_admin.status();
  EXPECT_EQ(by_admin->status(), v1::ACTIVE);
  EXPECT_EQ(by_admin->status_override_reason(), with_reason.status_override_reason());

  // The lead can still edit other fields of the overridden initiative.
  v1::Initiative retitled = *by_admin;
  retitled.set_title("Huddles, phase 2");
  google::protobuf::FieldMask title;
  title.add_paths("title");
  EXPECT_TRUE(lead_->UpdateInitiative(retitled, title).ok());
}

}  // namespace
}  // namespace psc::testing
