#include "server/registry/kinds/measurement_plan.h"

#include "gtest/gtest.h"
#include "tests/testing/resources.h"

namespace psc::registry {
namespace {

TEST(MeasurementPlanTest, CompleteWithAllThreeMeasuresAndAMilestone) {
  v1::Initiative i = testing::MakeInitiative("collaboratives/wessex");
  DeriveMeasurementPlan(&i);
  EXPECT_EQ(i.measurement_plan_status(), v1::COMPLETE);
  EXPECT_TRUE(i.measurement_plan_gaps().empty());
}

TEST(MeasurementPlanTest, EachMissingPartMakesItIncomplete) {
  v1::Initiative base = testing::MakeInitiative("collaboratives/wessex");
  struct Case {
    std::function<void(v1::Initiative*)> change;
    std::string gap;
  };
  std::vector<Case> cases = {
      {[](v1::Initiative* i) { i->mutable_measures()->DeleteSubrange(0, 1); },
       "no outcome measure"},
      {[](v1::Initiative* i) { i->mutable_measures(1)->clear_baseline(); },
       "no process measure with an operational definition, baseline and target"},
      {[](v1::Initiative* i) { i->mutable_measures(2)->clear_target(); },
       "no balancing measure with an operational definition, baseline and target"},
      {[](v1::Initiative* i) { i->mutable_measures(0)->clear_operational_definition(); },
       "no outcome measure with an operational definition, baseline and target"},
      {[](v1::Initiative* i) { i->clear_milestones(); }, "no milestone"},
  };
  for (const Case& c : cases) {
    v1::Initiative i = base;
    c.change(&i);
    DeriveMeasurementPlan(&i);
    EXPECT_EQ(i.measurement_plan_status(), v1::INCOMPLETE) << c.gap;
    ASSERT_EQ(i.measurement_plan_gaps_size(), 1) << c.gap;
    EXPECT_EQ(i.measurement_plan_gaps(0), c.gap);
  }
}

TEST(MeasurementPlanTest, OneCompleteMeasureOfAKindIsEnough) {
  v1::Initiative i = testing::MakeInitiative("collaboratives/wessex");
  v1::Measure* rough = i.add_measures();
  rough->set_kind(v1::OUTCOME);
  rough->set_name("rough");
  DeriveMeasurementPlan(&i);
  EXPECT_EQ(i.measurement_plan_status(), v1::COMPLETE);
}

TEST(MeasurementPlanTest, EmptyPlanListsEveryGap) {
  v1::Initiative i;
  DeriveMeasurementPlan(&i);
  EXPECT_EQ(i.measurement_plan_status(), v1::INCOMPLETE);
  EXPECT_EQ(i.measurement_plan_gaps_size(), 4);
}

}  // namespace
}  // namespace psc::registry
