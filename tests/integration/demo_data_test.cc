// The demo data loads through the CLI, passes the server's validation and is whole.

#include <set>

#include "tests/integration/cli_fixture.h"

namespace psc::testing {
namespace {

class DemoDataTest : public CliTest {};

TEST_F(DemoDataTest, IsWholeAndEveryReferenceResolves) {
  LoadDemoData();
  auto collaboratives = client_->ListAllCollaboratives();
  auto initiatives = client_->ListAllInitiatives();
  auto case_studies = client_->ListAllCaseStudies();
  auto experts = client_->ListAllExperts();
  auto resources = client_->ListAllResources();
  ASSERT_TRUE(collaboratives.ok() && initiatives.ok() && case_studies.ok() && experts.ok() &&
              resources.ok());
  EXPECT_EQ(collaboratives->size(), 15u);
  EXPECT_EQ(case_studies->size(), 6u);
  EXPECT_GE(initiatives->size(), 28u);
  EXPECT_GE(experts->size(), 38u);
  EXPECT_GE(resources->size(), 5u);

  std::set<std::string> names;
  for (const auto& c : *collaboratives) names.insert(c.name());
  for (const auto& i : *initiatives) names.insert(i.name());
  auto resolves = [&](const std::string& name) { return names.contains(name); };

  int shared = 0, complete = 0, adopted = 0;
  std::set<v1::Workstream> workstreams;
  for (const auto& i : *initiatives) {
    EXPECT_TRUE(resolves(i.lead_collaborative())) << i.name();
    for (const auto& p : i.participant_collaboratives()) EXPECT_TRUE(resolves(p)) << i.name();
    if (!i.adopted_from().empty()) {
      EXPECT_TRUE(resolves(i.adopted_from())) << i.name();
      ++adopted;
    }
    shared += i.participant_collaboratives_size() > 0;
    complete += i.measurement_plan_status() == v1::COMPLETE;
    workstreams.insert(i.workstream());
  }
  EXPECT_EQ(workstreams.size(), 4u);  // three national workstreams and local priorities
  EXPECT_GT(shared, 5);
  EXPECT_GT(complete, 5);
  EXPECT_LT(complete, static_cast<int>(initiatives->size()));  // and some plans are incomplete
  EXPECT_GE(adopted, 2);

  std::set<std::string> titles;
  for (const auto& c : *case_studies) {
    EXPECT_TRUE(resolves(c.owner_collaborative())) << c.name();
    EXPECT_TRUE(resolves(c.initiative())) << c.name();
    for (const auto& p : c.collaboratives()) EXPECT_TRUE(resolves(p)) << c.name();
    EXPECT_EQ(c.publication_state(), v1::PUBLISHED);
    titles.insert(c.title());
  }
  for (const char* title :
       {"Safety huddles", "Suspicion of sepsis dashboard", "National early warning score",
        "Emergency department checklist", "Emergency laparotomy"}) {
    EXPECT_TRUE(titles.contains(title)) << title;
  }

  int human_factors = 0;
  for (const auto& e : *experts) {
    EXPECT_TRUE(resolves(e.home_collaborative())) << e.name();
    EXPECT_NE(e.display_name().find("(demo data)"), std::string::npos) << e.name();
    for (const auto& s : e.skills()) human_factors += s.skill() == v1::HUMAN_FACTORS;
  }
  EXPECT_GE(human_factors, 10);
  for (const auto& r : *resources) {
    if (r.provider().starts_with("collaboratives/")) {
      EXPECT_TRUE(resolves(r.provider()));
    }
  }
  EXPECT_TRUE(client_->GetResource("resources/psmu-measurement-support").ok());
}

}  // namespace
}  // namespace psc::testing
