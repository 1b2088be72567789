#pragma once

#include <string>

#include "tests/integration/registry_fixture.h"

namespace psc::testing {

// Wessex (lead-wessex) leads initiatives/huddles and is home to experts/ada (shareable,
// 4 days a month); Oxford (lead-oxford) is another PSC, not (yet) taking part in huddles.
class WorkflowTest : public RegistryTest {
 protected:
  void SetUp() override {
    RegistryTest::SetUp();
    AddCollaborative("wessex");
    AddCollaborative("oxford");
    wessex_ = ClientAs("lead-wessex");
    oxford_ = ClientAs("lead-oxford");
    ASSERT_TRUE(
        wessex_->CreateInitiative(MakeInitiative("collaboratives/wessex"), {.id = "huddles"}).ok());
    v1::Expert ada = MakeExpert("collaboratives/wessex", "Ada Example");
    ada.set_shareable(true);
    ada.set_days_per_month_offered(4);
    ASSERT_TRUE(wessex_->CreateExpert(ada, {.id = "ada"}).ok());
  }

  // Makes Oxford a participant of initiatives/huddles, so it may ask for experts for it.
  void OxfordJoinsHuddles() {
    v1::Initiative patch;
    patch.set_name("initiatives/huddles");
    patch.add_participant_collaboratives("collaboratives/oxford");
    google::protobuf::FieldMask mask;
    mask.add_paths("participant_collaboratives");
    auto updated = wessex_->UpdateInitiative(patch, mask);
    ASSERT_TRUE(updated.ok()) << updated.status();
  }

  static v1::DecideRequest Decide(const std::string& name, const std::string& reason = "") {
    v1::DecideRequest request;
    request.set_name(name);
    request.set_reason(reason);
    return request;
  }

  static v1::SharingRequest Days(int days, int year, int month, int months) {
    v1::SharingRequest r;
    r.set_initiative("initiatives/huddles");
    r.set_days_per_month(days);
    r.mutable_start_month()->set_year(year);
    r.mutable_start_month()->set_month(month);
    r.set_months(months);
    return r;
  }

  std::unique_ptr<client::RegistryClient> wessex_;
  std::unique_ptr<client::RegistryClient> oxford_;
};

}  // namespace psc::testing
