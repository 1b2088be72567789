// The demo data loads through the CLI, passes the server's validation and is whole.

#include <cstdlib>
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

// The leading number of a plan's words, e.g. 6 of "6.0 per 1000 admissions" or 92 of "92%".
double LeadingNumber(const std::string& text) { return std::strtod(text.c_str(), nullptr); }

// Each measure with data says in its plan what its data shows: the baseline in words is the
// mean of the first year at every site (within 10%), the target in words is the numeric target,
// and the target lies on the better side of the baseline. Sites combine only where they may.
TEST_F(DemoDataTest, MeasurementPlansAgreeWithTheirData) {
  LoadDemoData();
  int charted = 0;
  auto initiatives = client_->ListAllInitiatives();
  ASSERT_TRUE(initiatives.ok()) << initiatives.status();
  for (const auto& initiative : *initiatives) {
    for (const auto& measure : initiative.measures()) {
      if (measure.id().empty()) continue;
      v1::ListMeasurementsRequest list;
      list.set_parent(initiative.name());
      list.set_measure(measure.id());
      auto series = client_->ListMeasurements(list);
      ASSERT_TRUE(series.ok()) << series.status();
      if (series->series().empty()) continue;
      const std::string what = initiative.name() + " " + measure.id();
      const double baseline = LeadingNumber(measure.baseline());
      EXPECT_DOUBLE_EQ(LeadingNumber(measure.target()), measure.target_value()) << what;
      if (measure.improvement_direction() == v1::LOWER_IS_BETTER) {
        EXPECT_LT(measure.target_value(), baseline) << what;
      } else {
        EXPECT_GT(measure.target_value(), baseline) << what;
      }
      v1::GetMeasureChartRequest request;
      request.set_parent(initiative.name());
      request.set_measure(measure.id());
      for (const auto& s : series->series()) {
        request.set_site(s.site());
        auto chart = client_->GetMeasureChart(request);
        ASSERT_TRUE(chart.ok()) << chart.status();
        ASSERT_GE(chart->points_size(), 12) << what;
        double first_year = 0;
        for (int i = 0; i < 12; ++i) first_year += chart->points(i).value() / 12;
        EXPECT_NEAR(first_year, baseline, 0.1 * baseline) << what << " " << s.site();
        ++charted;
      }
      request.clear_site();
      auto combined = client_->GetMeasureChart(request);
      const bool rates = series->series(0).points(0).has_numerator();
      EXPECT_EQ(combined.ok(), rates || measure.site_combination() == v1::VALUES_ADD)
          << what << ": " << combined.status();
    }
  }
  EXPECT_GE(charted, 15);
}

}  // namespace
}  // namespace psc::testing
