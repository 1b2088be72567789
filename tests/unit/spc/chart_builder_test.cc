// BuildChart's own decisions over SPC: how sites combine, when the target applies, and why a
// chart has no assurance (docs/measures.md, "How sites combine" and rule 8).

#include "server/spc/chart_builder.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace psc::spc {
namespace {

// 20 monthly values alternating around `level` (common cause, limits level ± 2.66).
v1::MeasureSeries Values(const std::string& site, double level) {
  v1::MeasureSeries s;
  s.set_site(site);
  for (int i = 0; i < 20; ++i) {
    v1::MeasurePoint* p = s.add_points();
    p->mutable_period()->set_year(2024 + i / 12);
    p->mutable_period()->set_month(1 + i % 12);
    p->mutable_period()->set_day(1);
    p->set_value(level + (i % 2 == 0 ? 0.5 : -0.5));
  }
  return s;
}

v1::Measure Falls() {
  v1::Measure m;
  m.set_id("falls");
  m.set_improvement_direction(v1::LOWER_IS_BETTER);
  m.set_target_value(4);
  return m;
}

absl::StatusOr<v1::MeasureChart> Chart(const v1::Measure& measure,
                                       const std::vector<v1::MeasureSeries>& series,
                                       v1::GetMeasureChartRequest request = {}) {
  return BuildChart(v1::Initiative(), measure, series, request);
}

TEST(ChartBuilderTest, EveryChartWithoutAssuranceSaysWhy) {
  auto assured = Chart(Falls(), {Values("ref", 5)});
  ASSERT_TRUE(assured.ok()) << assured.status();
  EXPECT_NE(assured->assurance(), v1::ASSURANCE_ICON_UNSPECIFIED);
  EXPECT_EQ(assured->no_assurance_reason(), v1::NO_ASSURANCE_REASON_UNSPECIFIED);

  v1::Measure no_target = Falls();
  no_target.clear_target_value();
  EXPECT_EQ(Chart(no_target, {Values("ref", 5)})->no_assurance_reason(), v1::NO_TARGET);

  v1::Measure neither = Falls();
  neither.set_improvement_direction(v1::NEITHER);
  EXPECT_EQ(Chart(neither, {Values("ref", 5)})->no_assurance_reason(),
            v1::NO_IMPROVEMENT_DIRECTION);

  // A rebase on the last point: the last segment has one point, so no limits.
  v1::MeasureSeries rebased = Values("ref", 5);
  rebased.mutable_points(19)->set_rebase(true);
  auto one_point = Chart(Falls(), {rebased});
  ASSERT_TRUE(one_point.ok()) << one_point.status();
  EXPECT_EQ(one_point->segments(1).no_limits_reason(), v1::TOO_FEW_BASELINE_POINTS);
  EXPECT_EQ(one_point->no_assurance_reason(), v1::NO_LIMITS_IN_LAST_SEGMENT);

  EXPECT_EQ(Chart(Falls(), {})->no_assurance_reason(), v1::NO_POINTS);
}

TEST(ChartBuilderTest, CountsAddWithoutTheirPerSiteTargetAndOtherValuesDoNotAdd) {
  v1::Measure counts = Falls();
  counts.set_site_combination(v1::VALUES_ADD);
  auto summed = Chart(counts, {Values("a", 5), Values("b", 7)});
  ASSERT_TRUE(summed.ok()) << summed.status();
  EXPECT_DOUBLE_EQ(summed->points(0).value(), 13);
  EXPECT_EQ(summed->points(0).sites_reporting(), 2);
  EXPECT_FALSE(summed->has_target_value());  // never drawn where it does not apply
  EXPECT_EQ(summed->no_assurance_reason(), v1::TARGET_IS_PER_SITE);

  auto refused = Chart(Falls(), {Values("a", 5), Values("b", 7)});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  // One site's values are that site's chart, whatever the measure says of combining.
  auto one = Chart(Falls(), {Values("a", 5)});
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->target_value(), 4);
}

TEST(ChartBuilderTest, RatesCombineAsSummedNumeratorsOverSummedDenominators) {
  v1::Measure screening;
  screening.set_id("screening");
  screening.set_rate_multiplier(100);
  screening.set_improvement_direction(v1::HIGHER_IS_BETTER);
  screening.set_target_value(80);
  std::vector<v1::MeasureSeries> sites(2);
  for (int s = 0; s < 2; ++s) {
    v1::MeasurePoint* p = sites[s].add_points();
    p->mutable_period()->set_year(2024);
    p->mutable_period()->set_month(1);
    p->mutable_period()->set_day(1);
    p->set_numerator(s == 0 ? 1 : 39);  // 1 of 10 and 39 of 40: 40 of 50, not the mean 53.75%
    p->set_denominator(s == 0 ? 10 : 40);
  }
  auto chart = Chart(screening, sites);
  ASSERT_TRUE(chart.ok()) << chart.status();
  EXPECT_DOUBLE_EQ(chart->points(0).value(), 80);
  EXPECT_EQ(chart->target_value(), 80);  // a rate's target applies to the combined rate
}

}  // namespace
}  // namespace psc::spc
