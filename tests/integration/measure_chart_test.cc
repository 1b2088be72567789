// GetMeasureChart through the real pscd and client by Making Data Count's rules, case-study
// metrics citing a series, and the rules of measure ids.

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "tests/integration/measures_fixture.h"

namespace psc::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

// A shift after an intervention: 12 months around 10 falls, then 12 around 5. With a rebase
// at the intervention each part gets its own mean and limits; without, the shift shows.
TEST_F(MeasuresTest, ChartsFollowMakingDataCount) {
  const double before[] = {10, 12, 9, 11, 10, 13, 9, 10, 11, 12, 8, 10};
  const double after[] = {5, 6, 4, 5, 7, 5, 4, 6, 5, 5, 6, 4};
  std::vector<v1::Measurement> points;
  for (int i = 0; i < 12; ++i) points.push_back(Value("falls", "ref", NthMonth(i), before[i]));
  for (int i = 0; i < 12; ++i) {
    v1::Measurement m = Value("falls", "ref", NthMonth(12 + i), after[i]);
    if (i == 0) m.mutable_point()->set_annotation("huddles start");
    points.push_back(m);
  }
  ASSERT_TRUE(wessex_->BatchUpsertMeasurements(Batch(points)).ok());
  v1::GetMeasureChartRequest r = ChartOf("falls", "ref");
  auto chart = client_->GetMeasureChart(r);
  ASSERT_TRUE(chart.ok()) << chart.status();
  ASSERT_EQ(chart->segments_size(), 1);
  EXPECT_DOUBLE_EQ(chart->segments(0).mean(), 187.0 / 24);
  EXPECT_EQ(chart->points(12).annotation(), "huddles start");
  // All of the last 12 are below the mean: a shift, improvement since lower is better.
  for (int i = 12; i < 24; ++i) {
    EXPECT_EQ(chart->points(i).type(), v1::SPECIAL_CAUSE_IMPROVEMENT) << i;
    EXPECT_THAT(chart->points(i).rules(), ::testing::Contains(v1::SHIFT)) << i;
  }
  // One label per point: the first twelve are a shift above the mean (concern), except 13,
  // above the upper limit (12.88), which that labels.
  EXPECT_EQ(chart->points(23).cause(), v1::SHIFT);
  EXPECT_EQ(chart->points(0).cause(), v1::SHIFT);
  EXPECT_EQ(chart->points(0).type(), v1::SPECIAL_CAUSE_CONCERN);
  EXPECT_EQ(chart->points(5).cause(), v1::OUTSIDE_LIMITS);
  EXPECT_EQ(chart->variation(), v1::VARIATION_IMPROVEMENT_LOW);
  EXPECT_EQ(chart->improvement_direction(), v1::LOWER_IS_BETTER);
  EXPECT_EQ(chart->target_value(), 4);

  // Rebased at the intervention: two segments, each mean from its own points; the latest's
  // limits (mean 5.1667, mean moving range 15/11) straddle the target 4: hit and miss.
  *r.add_rebase_periods() = NthMonth(12);
  auto rebased = client_->GetMeasureChart(r);
  ASSERT_TRUE(rebased.ok()) << rebased.status();
  ASSERT_EQ(rebased->segments_size(), 2);
  EXPECT_DOUBLE_EQ(rebased->segments(0).mean(), 125.0 / 12);
  EXPECT_DOUBLE_EQ(rebased->segments(1).mean(), 62.0 / 12);
  EXPECT_NEAR(rebased->segments(1).mean_moving_range(), 15.0 / 11, 1e-12);
  EXPECT_NEAR(rebased->segments(1).upper_process_limit(), 62.0 / 12 + 2.66 * 15 / 11, 1e-9);
  // 12 points: trial limits by the reference's threshold (13), unless asked for fewer.
  EXPECT_TRUE(rebased->segments(1).too_few_points());
  EXPECT_EQ(rebased->min_points_for_limits(), 13);
  v1::GetMeasureChartRequest twelve = r;
  twelve.set_min_points_for_limits(12);
  auto enough = client_->GetMeasureChart(twelve);
  ASSERT_TRUE(enough.ok()) << enough.status();
  EXPECT_FALSE(enough->segments(1).too_few_points());
  EXPECT_EQ(enough->min_points_for_limits(), 12);
  twelve.set_min_points_for_limits(-1);
  EXPECT_THAT(ViolationFields(client_->GetMeasureChart(twelve).status()),
              ElementsAre("min_points_for_limits"));
  EXPECT_FALSE(rebased->points(12).has_moving_range());
  EXPECT_EQ(rebased->assurance(), v1::ASSURANCE_HIT_AND_MISS);
  EXPECT_EQ(rebased->variation(), v1::VARIATION_COMMON_CAUSE);

  // The same rebase stored with the data.
  v1::Measurement marked = points[12];
  marked.mutable_point()->set_rebase(true);
  ASSERT_TRUE(wessex_->BatchUpsertMeasurements(Batch({marked})).ok());
  r.clear_rebase_periods();
  auto stored = client_->GetMeasureChart(r);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->segments_size(), 2);
  r.set_ignore_stored_rebases(true);
  EXPECT_EQ(client_->GetMeasureChart(r)->segments_size(), 1);

  // Bad options and unknown measures.
  *r.add_rebase_periods() = Month(2030, 1);
  auto not_a_period = client_->GetMeasureChart(r);
  EXPECT_THAT(ViolationFields(not_a_period.status()), ElementsAre("rebase_periods[0]"));
  r.clear_rebase_periods();
  r.set_fix_after_points(1);
  EXPECT_THAT(ViolationFields(client_->GetMeasureChart(r).status()),
              ElementsAre("fix_after_points"));
  r.set_fix_after_points(0);
  r.set_measure("nope");
  auto unknown = client_->GetMeasureChart(r);
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Reason(unknown.status()), "MEASURE_NOT_FOUND");
  r.set_measure("screening");  // no data: an empty chart
  auto empty = client_->GetMeasureChart(r);
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ(empty->points_size(), 0);
  EXPECT_EQ(empty->variation(), v1::VARIATION_ICON_UNSPECIFIED);
  EXPECT_EQ(ClientAs("atlas")->GetMeasureChart(r).status().code(),
            absl::StatusCode::kPermissionDenied);
}

// Sites combine only where the arithmetic allows: counts add (falls), rates combine as summed
// numerators over summed denominators (screening), and a rate given as values per site
// (arrests per 1000 admissions) does not add up, so it has no combined chart, only one per site,
// each held against the target.
TEST_F(MeasuresTest, SitesCombineOnlyWhereTheirValuesAddUp) {
  v1::Initiative patch = *client_->GetInitiative("initiatives/huddles");
  v1::Measure* arrests = patch.add_measures();
  arrests->set_kind(v1::OUTCOME);
  arrests->set_name("Cardiac arrests per 1000 admissions");
  arrests->set_id("arrests");
  arrests->set_improvement_direction(v1::LOWER_IS_BETTER);
  arrests->set_target_value(3.5);
  google::protobuf::FieldMask mask;
  mask.add_paths("measures");
  ASSERT_TRUE(wessex_->UpdateInitiative(patch, mask).ok());
  std::vector<v1::Measurement> points;
  for (const char* site : {"ref", "sgh"}) {
    for (int i = 0; i < 20; ++i) points.push_back(Value("arrests", site, NthMonth(i), 6 - i * 0.1));
  }
  ASSERT_TRUE(wessex_->BatchUpsertMeasurements(Batch(points)).ok());

  auto combined = client_->GetMeasureChart(ChartOf("arrests", ""));
  EXPECT_EQ(combined.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Reason(combined.status()), "SITES_DO_NOT_COMBINE");
  auto one = client_->GetMeasureChart(ChartOf("arrests", "sgh"));
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_DOUBLE_EQ(one->points(0).value(), 6);  // not 12
  EXPECT_EQ(one->target_value(), 3.5);
  EXPECT_NE(one->assurance(), v1::ASSURANCE_ICON_UNSPECIFIED);
  EXPECT_EQ(one->no_assurance_reason(), v1::NO_ASSURANCE_REASON_UNSPECIFIED);

  // Told that its values add, the same measure sums them and drops the per-site target.
  patch = *client_->GetInitiative("initiatives/huddles");
  patch.mutable_measures(2)->set_site_combination(v1::VALUES_ADD);
  ASSERT_TRUE(wessex_->UpdateInitiative(patch, mask).ok());
  auto summed = client_->GetMeasureChart(ChartOf("arrests", ""));
  ASSERT_TRUE(summed.ok()) << summed.status();
  EXPECT_DOUBLE_EQ(summed->points(0).value(), 12);
  EXPECT_FALSE(summed->has_target_value());
  EXPECT_EQ(summed->no_assurance_reason(), v1::TARGET_IS_PER_SITE);

  // Values at one site and numerators and denominators at another never combine.
  ASSERT_TRUE(wessex_
                  ->BatchUpsertMeasurements(Batch({Rate("screening", "ref", NthMonth(0), 4, 5),
                                                   Value("screening", "sgh", NthMonth(0), 80)}))
                  .ok());
  auto mixed = client_->GetMeasureChart(ChartOf("screening", ""));
  EXPECT_EQ(mixed.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Reason(mixed.status()), "SITES_DO_NOT_COMBINE");
}

// A case study's metric linked to a series takes its before and after from the chart's means
// either side of the latest rebase, recomputed when the case study is saved again.
TEST_F(MeasuresTest, CaseStudyMetricsCiteTheirSeries) {
  std::vector<v1::Measurement> points;
  for (int i = 0; i < 12; ++i) {
    v1::Measurement m = Value("falls", "ref", NthMonth(i), i < 6 ? 12 : 8);
    m.mutable_point()->set_rebase(i == 6);
    points.push_back(m);
  }
  points.push_back(Value("falls", "rch", NthMonth(0), 5));  // a site without a rebase
  ASSERT_TRUE(wessex_->BatchUpsertMeasurements(Batch(points)).ok());

  v1::CaseStudy c = MakeCaseStudy("collaboratives/wessex", "Fewer falls");
  c.set_initiative("initiatives/huddles");
  v1::ImpactMetric* metric = c.mutable_impact()->add_metrics();
  metric->set_name("Inpatient falls");
  metric->set_before("20");  // typed: replaced by the data
  metric->set_evidence_series("initiatives/huddles/series/falls--ref");
  auto created = wessex_->CreateCaseStudy(c, {.id = "fewer-falls"});
  ASSERT_TRUE(created.ok()) << created.status();
  const v1::ImpactMetric& cited = created->impact().metrics(0);
  EXPECT_EQ(cited.before(), "12");
  EXPECT_EQ(cited.after(), "8");
  EXPECT_EQ(cited.unit(), "falls a month");
  EXPECT_EQ(cited.evidence().before_points(), 6);
  EXPECT_EQ(cited.evidence().after_points(), 6);
  EXPECT_EQ(cited.evidence().rebased_at().month(), 7);

  // New data, then the case study saved again: the figures follow.
  ASSERT_TRUE(
      wessex_->BatchUpsertMeasurements(Batch({Value("falls", "ref", NthMonth(12), 2)})).ok());
  v1::CaseStudy patch;
  patch.set_name("caseStudies/fewer-falls");
  *patch.mutable_impact() = created->impact();
  google::protobuf::FieldMask mask;
  mask.add_paths("impact");
  auto updated = wessex_->UpdateCaseStudy(patch, mask);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->impact().metrics(0).after(), "7.14");  // (6 x 8 + 2) / 7

  auto cite = [&](const std::string& series, const std::string& initiative) {
    v1::CaseStudy bad = c;
    bad.set_initiative(initiative);
    bad.mutable_impact()->mutable_metrics(0)->set_evidence_series(series);
    return wessex_->CreateCaseStudy(bad).status();
  };
  absl::Status missing = cite("initiatives/huddles/series/falls--nowhere", "initiatives/huddles");
  EXPECT_EQ(missing.code(), absl::StatusCode::kFailedPrecondition) << missing;
  EXPECT_EQ(Reason(missing), "REFERENCE_NOT_FOUND");
  EXPECT_THAT(ViolationFields(missing),
              ElementsAre("case_study.impact.metrics[0].evidence_series"));
  absl::Status flat = cite("initiatives/huddles/series/falls--rch", "initiatives/huddles");
  EXPECT_EQ(Reason(flat), "NO_REBASE") << flat;
  absl::Status elsewhere = cite("initiatives/other/series/falls--ref", "initiatives/huddles");
  EXPECT_THAT(ViolationFields(elsewhere),
              ElementsAre("case_study.impact.metrics[0].evidence_series"));
  EXPECT_EQ(Reason(cite("initiatives/huddles/series/falls--ref", "")), "VALIDATION_FAILED");
}

TEST_F(MeasuresTest, MeasureIdsAreCheckedAndDataGoesWithItsInitiative) {
  v1::Initiative patch;
  patch.set_name("initiatives/huddles");
  for (const std::string& id :
       std::vector<std::string>{"falls", "falls", "Bad", "a--b", std::string(31, 'a')}) {
    v1::Measure* m = patch.add_measures();
    m->set_kind(v1::OUTCOME);
    m->set_name("m");
    m->set_id(id);
  }
  patch.mutable_measures(0)->set_target_value(std::numeric_limits<double>::infinity());
  patch.mutable_measures(0)->set_rate_multiplier(-1);
  google::protobuf::FieldMask mask;
  mask.add_paths("measures");
  auto refused = wessex_->UpdateInitiative(patch, mask);
  EXPECT_THAT(ViolationFields(refused.status()),
              UnorderedElementsAre("initiative.measures[0].target_value",
                                   "initiative.measures[0].rate_multiplier",
                                   "initiative.measures[1].id", "initiative.measures[2].id",
                                   "initiative.measures[3].id", "initiative.measures[4].id"));

  ASSERT_TRUE(
      wessex_->BatchUpsertMeasurements(Batch({Value("falls", "ref", Month(2024, 1), 9)})).ok());
  ASSERT_TRUE(client_->DeleteInitiative("initiatives/huddles").ok());
  v1::ListChangesRequest changes;
  changes.add_kinds("series");
  auto feed = client_->ListChanges(changes);
  ASSERT_TRUE(feed.ok());
  ASSERT_EQ(feed->changes_size(), 2);
  EXPECT_EQ(feed->changes(1).change_type(), v1::DELETED);
}

}  // namespace
}  // namespace psc::testing
