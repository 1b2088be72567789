#include "server/spc/spc.h"

#include <cmath>
#include <limits>
#include <vector>

#include "gtest/gtest.h"

namespace psc::spc {
namespace {

// 16 points alternating 7, 5: mean 6, every moving range 2, so the limits are 6 ± 5.32 and the
// near lines 6 ± 3.5467 (hand-checked). Alternating sides, it shows no shift and no trend; it
// ends below the mean, so a run above the mean in a tail starts with the tail.
std::vector<double> Baseline() {
  std::vector<double> v;
  for (int i = 0; i < 8; ++i) {
    v.push_back(7);
    v.push_back(5);
  }
  return v;
}

// The baseline followed by `tail`, its limits fixed on the baseline so that the tail is judged
// against the hand-checked limits above.
Chart AfterBaseline(const std::vector<double>& tail, Direction direction = Direction::kNeither,
                    std::optional<double> target = std::nullopt) {
  std::vector<double> v = Baseline();
  v.insert(v.end(), tail.begin(), tail.end());
  ChartOptions options;
  options.direction = direction;
  options.target = target;
  options.fix_after_points = 16;
  absl::StatusOr<Chart> chart = ComputeChart(v, options);
  EXPECT_TRUE(chart.ok()) << chart.status();
  return *chart;
}

// The tail's points (after the 16 baseline points) that any rule marks.
std::vector<int> SpecialInTail(const Chart& chart) {
  std::vector<int> marked;
  for (size_t i = 16; i < chart.points.size(); ++i) {
    if (chart.points[i].rules.any()) marked.push_back(static_cast<int>(i - 16));
  }
  return marked;
}

TEST(SpcTest, MeanMovingRangeAndLimits) {
  absl::StatusOr<Chart> chart = ComputeChart(Baseline(), {});
  ASSERT_TRUE(chart.ok());
  ASSERT_EQ(chart->segments.size(), 1u);
  const Segment& s = chart->segments[0];
  EXPECT_DOUBLE_EQ(s.mean, 6);
  EXPECT_DOUBLE_EQ(s.mean_moving_range, 2);
  EXPECT_DOUBLE_EQ(s.upper_limit, 11.32);
  EXPECT_DOUBLE_EQ(s.lower_limit, 0.68);
  EXPECT_NEAR(s.upper_near, 9.546667, 1e-6);
  EXPECT_NEAR(s.lower_near, 2.453333, 1e-6);
  EXPECT_TRUE(s.has_limits);
  EXPECT_FALSE(s.too_few_points);
  EXPECT_FALSE(chart->points[0].moving_range.has_value());
  EXPECT_DOUBLE_EQ(*chart->points[1].moving_range, 2);
  for (const Point& p : chart->points) EXPECT_EQ(p.type, PointType::kCommonCause);
  EXPECT_EQ(chart->variation, Variation::kCommonCause);
  EXPECT_EQ(chart->assurance, Assurance::kNone);
}

TEST(SpcTest, PointOutsideTheLimitsButNotOnOne) {
  Chart out = AfterBaseline({12}, Direction::kHigherIsBetter);
  EXPECT_TRUE(out.points[16].rules.outside_limits);
  EXPECT_EQ(out.points[16].type, PointType::kImprovement);
  EXPECT_EQ(out.variation, Variation::kImprovementHigh);

  Chart low = AfterBaseline({0.5}, Direction::kHigherIsBetter);
  EXPECT_TRUE(low.points[16].rules.outside_limits);
  EXPECT_EQ(low.points[16].type, PointType::kConcern);
  EXPECT_EQ(low.variation, Variation::kConcernLow);

  // Exactly on the upper limit is inside it (and near it, but alone: no two-of-three).
  const double limit = AfterBaseline({}).segments[0].upper_limit;
  Chart on = AfterBaseline({limit});
  EXPECT_FALSE(on.points[16].rules.outside_limits);
  EXPECT_EQ(on.points[16].type, PointType::kCommonCause);
}

TEST(SpcTest, SevenOnOneSideOfTheMeanIsAShiftSixIsNot) {
  EXPECT_TRUE(SpecialInTail(AfterBaseline({6.5, 6.5, 6.5, 6.5, 6.5, 6.5})).empty());
  Chart seven = AfterBaseline({6.5, 6.5, 6.5, 6.5, 6.5, 6.5, 6.5}, Direction::kLowerIsBetter);
  EXPECT_EQ(SpecialInTail(seven), (std::vector<int>{0, 1, 2, 3, 4, 5, 6}));
  for (int i = 16; i < 23; ++i) {
    EXPECT_TRUE(seven.points[i].rules.shift);
    EXPECT_EQ(seven.points[i].type, PointType::kConcern);
  }
  EXPECT_EQ(seven.variation, Variation::kConcernHigh);
  // Below the mean with no direction: neutral low; every point of a longer run is marked.
  Chart eight = AfterBaseline({5.5, 5.5, 5.5, 5.5, 5.5, 5.5, 5.5, 5.5});
  EXPECT_EQ(SpecialInTail(eight).size(), 8u);
  EXPECT_EQ(eight.points[23].type, PointType::kNeutralLow);
  EXPECT_EQ(eight.variation, Variation::kNeutralLow);
}

TEST(SpcTest, APointOnTheMeanBreaksARun) {
  EXPECT_TRUE(SpecialInTail(AfterBaseline({6.5, 6.5, 6.5, 6, 6.5, 6.5, 6.5, 6.5})).empty());
}

TEST(SpcTest, SevenRisingPointsAreATrendSixAreNot) {
  // The baseline ends on 5, so 3 is a step down: the trend starts at 3. It crosses the mean
  // (four points below, three above), so it is no shift.
  EXPECT_TRUE(SpecialInTail(AfterBaseline({3, 4, 5, 5.5, 6.5, 7})).empty());
  Chart seven = AfterBaseline({3, 4, 5, 5.5, 6.5, 7, 8}, Direction::kHigherIsBetter);
  EXPECT_EQ(SpecialInTail(seven), (std::vector<int>{0, 1, 2, 3, 4, 5, 6}));
  // Rising is improvement when higher is better, even for the points below the mean.
  for (int i = 16; i < 23; ++i) {
    EXPECT_TRUE(seven.points[i].rules.trend);
    EXPECT_FALSE(seven.points[i].rules.shift);
    EXPECT_EQ(seven.points[i].type, PointType::kImprovement) << i;
  }
  EXPECT_EQ(seven.variation, Variation::kImprovementHigh);
}

TEST(SpcTest, FallingTrendIsImprovementWhenLowerIsBetter) {
  // A step up from the baseline's 5, then six steps down: the trend is the tail's 7 points.
  Chart chart = AfterBaseline({8, 7.5, 7, 6.5, 5.9, 5.5, 5.2}, Direction::kLowerIsBetter);
  EXPECT_FALSE(chart.points[15].rules.trend);
  EXPECT_EQ(SpecialInTail(chart), (std::vector<int>{0, 1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(chart.points[16].type, PointType::kImprovement);  // above the mean, falling
  EXPECT_EQ(chart.points[22].type, PointType::kImprovement);
  EXPECT_EQ(chart.variation, Variation::kImprovementLow);
}

TEST(SpcTest, ATieBreaksATrend) {
  EXPECT_TRUE(SpecialInTail(AfterBaseline({3, 4, 5, 5, 5.5, 6.5, 7})).empty());
}

TEST(SpcTest, TwoOfThreeNearALimitMarksTheNearOnes) {
  Chart chart = AfterBaseline({10, 6.5, 10}, Direction::kHigherIsBetter);
  EXPECT_EQ(SpecialInTail(chart), (std::vector<int>{0, 2}));
  EXPECT_TRUE(chart.points[16].rules.two_of_three);
  EXPECT_EQ(chart.points[16].type, PointType::kImprovement);
  EXPECT_EQ(chart.points[17].type, PointType::kCommonCause);
  // Two in a row count too, and a point on the limit is near it, not outside.
  const double limit = AfterBaseline({}).segments[0].upper_limit;
  EXPECT_EQ(SpecialInTail(AfterBaseline({6.5, limit, 10})), (std::vector<int>{1, 2}));
  // Below the lower near line the same way.
  EXPECT_EQ(SpecialInTail(AfterBaseline({2, 2})), (std::vector<int>{0, 1}));
}

TEST(SpcTest, TwoOfThreeNeedsOneSideAndTwoNearPoints) {
  // The middle point on the other side of the mean: no window of three on one side.
  EXPECT_TRUE(SpecialInTail(AfterBaseline({10, 5, 10})).empty());
  // Only one near point in any window.
  EXPECT_TRUE(SpecialInTail(AfterBaseline({10, 6.5, 6.5, 10})).empty());
  // A point outside the limits is not near: it is marked for itself, the single near one is not.
  Chart outside = AfterBaseline({12, 10, 6.5});
  EXPECT_EQ(SpecialInTail(outside), (std::vector<int>{0}));
  EXPECT_FALSE(outside.points[17].rules.two_of_three);
  // Beside an outside point, two near ones still count.
  Chart both = AfterBaseline({12, 10, 10});
  EXPECT_TRUE(both.points[16].rules.outside_limits);
  EXPECT_FALSE(both.points[16].rules.two_of_three);
  EXPECT_TRUE(both.points[17].rules.two_of_three);
  EXPECT_TRUE(both.points[18].rules.two_of_three);
}

TEST(SpcTest, ScreeningLeavesOutLargeMovingRanges) {
  // Moving ranges: eight of 2 and one of 50 (sum 66, mean 7.333); 50 >= 3.267 × 7.333 = 23.96
  // is screened out, leaving a mean of 2. Mean of the values: 158 / 10 = 15.8.
  const std::vector<double> v = {10, 12, 10, 12, 10, 12, 10, 12, 10, 60};
  absl::StatusOr<Chart> plain = ComputeChart(v, {});
  ASSERT_TRUE(plain.ok());
  EXPECT_DOUBLE_EQ(plain->segments[0].mean, 15.8);
  EXPECT_NEAR(plain->segments[0].mean_moving_range, 66.0 / 9, 1e-12);
  EXPECT_NEAR(plain->segments[0].upper_limit, 15.8 + 2.66 * 66 / 9, 1e-9);
  EXPECT_FALSE(plain->points[9].moving_range_screened_out);

  ChartOptions screen;
  screen.screen_moving_ranges = true;
  absl::StatusOr<Chart> screened = ComputeChart(v, screen);
  ASSERT_TRUE(screened.ok());
  EXPECT_DOUBLE_EQ(screened->segments[0].mean_moving_range, 2);
  EXPECT_DOUBLE_EQ(screened->segments[0].upper_limit, 21.12);
  EXPECT_TRUE(screened->points[9].moving_range_screened_out);
  EXPECT_DOUBLE_EQ(*screened->points[9].moving_range, 50);
  EXPECT_TRUE(screened->points[9].rules.outside_limits);
  EXPECT_TRUE(screened->segments[0].too_few_points);
}

// NHSRplotthedots keeps a moving range only when strictly below 3.267 × their mean
// (R/ptd_spc_standard.R: `.data$mr < 3.267 * .data$amr ~ .data$mr`, otherwise NA), so when
// every moving range is 0 none is kept, their mean is NaN and so are the limits. Unscreened, the
// mean moving range is 0 and the limits sit on the mean.
TEST(SpcTest, ScreeningAFlatBaselineLeavesNoLimits) {
  ChartOptions screen;
  screen.screen_moving_ranges = true;
  absl::StatusOr<Chart> chart = ComputeChart(std::vector<double>(20, 4.0), screen);
  ASSERT_TRUE(chart.ok());
  EXPECT_FALSE(chart->segments[0].has_limits);
  EXPECT_EQ(chart->segments[0].no_limits, NoLimits::kNoVariation);
  for (const Point& p : chart->points) EXPECT_EQ(p.type, PointType::kCommonCause);

  // Fixed on the flat part, a later point far away is still no limit breach: there are none.
  std::vector<double> later(15, 4.0);
  later.push_back(40);
  screen.fix_after_points = 15;
  chart = ComputeChart(later, screen);
  ASSERT_TRUE(chart.ok());
  EXPECT_FALSE(chart->segments[0].has_limits);
  EXPECT_FALSE(chart->points[15].rules.outside_limits);

  absl::StatusOr<Chart> unscreened = ComputeChart(std::vector<double>(20, 4.0), {});
  ASSERT_TRUE(unscreened.ok());
  EXPECT_TRUE(unscreened->segments[0].has_limits);
  EXPECT_EQ(unscreened->segments[0].no_limits, NoLimits::kNone);
  EXPECT_DOUBLE_EQ(unscreened->segments[0].upper_limit, 4);
}

TEST(SpcTest, FixingHoldsTheLimitsOfTheFirstPoints) {
  std::vector<double> v = Baseline();
  v.insert(v.end(), {20, 20, 20});
  ChartOptions fixed;
  fixed.fix_after_points = 16;
  absl::StatusOr<Chart> chart = ComputeChart(v, fixed);
  ASSERT_TRUE(chart.ok());
  EXPECT_EQ(chart->segments[0].baseline_points, 16);
  EXPECT_DOUBLE_EQ(chart->segments[0].mean, 6);
  EXPECT_DOUBLE_EQ(chart->segments[0].upper_limit, 11.32);
  // The later moving ranges are still shown, but not counted.
  EXPECT_DOUBLE_EQ(*chart->points[16].moving_range, 15);
  EXPECT_TRUE(chart->points[18].rules.outside_limits);
  // Unfixed, the same points move the mean: (96 + 60) / 19.
  absl::StatusOr<Chart> unfixed = ComputeChart(v, {});
  EXPECT_DOUBLE_EQ(unfixed->segments[0].mean, 156.0 / 19);
}

TEST(SpcTest, RebasingStartsNewLimitsAndRuns) {
  std::vector<double> v = Baseline();
  for (int i = 0; i < 8; ++i) v.insert(v.end(), {9, 11});
  absl::StatusOr<Chart> one = ComputeChart(v, {});
  ASSERT_TRUE(one.ok());
  EXPECT_DOUBLE_EQ(one->segments[0].mean, 8);
  // Unrebased, the second half sits above the mean of 8: one long shift.
  EXPECT_TRUE(one->points[20].rules.shift);

  ChartOptions rebased;
  rebased.direction = Direction::kHigherIsBetter;
  rebased.rebase_at = {16};
  absl::StatusOr<Chart> two = ComputeChart(v, rebased);
  ASSERT_TRUE(two.ok());
  ASSERT_EQ(two->segments.size(), 2u);
  EXPECT_EQ(two->segments[1].begin, 16);
  EXPECT_EQ(two->segments[1].end, 32);
  EXPECT_DOUBLE_EQ(two->segments[0].mean, 6);
  EXPECT_DOUBLE_EQ(two->segments[1].mean, 10);
  EXPECT_DOUBLE_EQ(two->segments[1].mean_moving_range, 2);
  // No moving range across the rebase.
  EXPECT_FALSE(two->points[16].moving_range.has_value());
  EXPECT_EQ(two->points[16].segment, 1);
  for (const Point& p : two->points) EXPECT_EQ(p.type, PointType::kCommonCause);
}

TEST(SpcTest, NoRunCrossesARebase) {
  // Four rising points before the rebase and three after: no trend of seven in either.
  std::vector<double> v = Baseline();
  v.insert(v.end(), {1, 2, 3, 4, 5, 6, 7, 8, 9, 8, 9, 8, 9, 8, 9});
  ChartOptions options;
  options.rebase_at = {20};
  absl::StatusOr<Chart> chart = ComputeChart(v, options);
  ASSERT_TRUE(chart.ok());
  for (const Point& p : chart->points) EXPECT_FALSE(p.rules.trend);
  absl::StatusOr<Chart> whole = ComputeChart(v, {});
  EXPECT_TRUE(whole->points[20].rules.trend);
}

// NHSRplotthedots gives trial limits to a segment of 12 points or fewer (its
// ptd_spc.warning_threshold, 13: R/ptd_add_short_group_warnings.R), counting every point of the
// segment whatever fix_after_n_points says. The threshold is an option.
TEST(SpcTest, TooFewPointsIsReported) {
  const std::vector<double> baseline = Baseline();
  absl::StatusOr<Chart> twelve =
      ComputeChart(std::vector<double>(baseline.begin(), baseline.begin() + 12), {});
  ASSERT_TRUE(twelve.ok());
  EXPECT_TRUE(twelve->segments[0].too_few_points);
  EXPECT_TRUE(twelve->segments[0].has_limits);  // trial limits, but limits
  EXPECT_FALSE(ComputeChart(std::vector<double>(baseline.begin(), baseline.begin() + 13), {})
                   ->segments[0]
                   .too_few_points);
  // The whole segment counts, not only the points the limits are fixed on.
  ChartOptions fixed;
  fixed.fix_after_points = 5;
  EXPECT_FALSE(ComputeChart(baseline, fixed)->segments[0].too_few_points);
  // Each segment on its own: 16 points, then a rebase leaving 12.
  std::vector<double> rebased = baseline;
  rebased.insert(rebased.end(), baseline.begin(), baseline.begin() + 12);
  ChartOptions rebase;
  rebase.rebase_at = {16};
  absl::StatusOr<Chart> two = ComputeChart(rebased, rebase);
  ASSERT_TRUE(two.ok());
  EXPECT_FALSE(two->segments[0].too_few_points);
  EXPECT_TRUE(two->segments[1].too_few_points);
  // Making Data Count's own guidance (15 points) as the option.
  ChartOptions fifteen;
  fifteen.min_points_for_limits = 15;
  EXPECT_TRUE(ComputeChart(std::vector<double>(baseline.begin(), baseline.begin() + 14), fifteen)
                  ->segments[0]
                  .too_few_points);
  EXPECT_FALSE(ComputeChart(std::vector<double>(baseline.begin(), baseline.begin() + 15), fifteen)
                   ->segments[0]
                   .too_few_points);

  absl::StatusOr<Chart> single = ComputeChart(std::vector<double>{3}, {});
  ASSERT_TRUE(single.ok());
  EXPECT_FALSE(single->segments[0].has_limits);
  EXPECT_EQ(single->segments[0].no_limits, NoLimits::kTooFewPoints);
  EXPECT_EQ(single->points[0].type, PointType::kCommonCause);
  EXPECT_TRUE(ComputeChart({}, {})->points.empty());
  EXPECT_EQ(ComputeChart({}, {})->variation, Variation::kNone);
}

TEST(SpcTest, AssuranceAgainstTheTarget) {
  // Limits 0.68 .. 11.32.
  EXPECT_EQ(AfterBaseline({}, Direction::kHigherIsBetter, 12).assurance,
            Assurance::kConsistentlyFailing);
  EXPECT_EQ(AfterBaseline({}, Direction::kHigherIsBetter, 0.5).assurance,
            Assurance::kConsistentlyPassing);
  EXPECT_EQ(AfterBaseline({}, Direction::kLowerIsBetter, 12).assurance,
            Assurance::kConsistentlyPassing);
  EXPECT_EQ(AfterBaseline({}, Direction::kLowerIsBetter, 0.5).assurance,
            Assurance::kConsistentlyFailing);
  EXPECT_EQ(AfterBaseline({}, Direction::kLowerIsBetter, 6).assurance, Assurance::kHitAndMiss);
  const double limit = AfterBaseline({}).segments[0].upper_limit;
  EXPECT_EQ(AfterBaseline({}, Direction::kHigherIsBetter, limit).assurance, Assurance::kHitAndMiss);
  EXPECT_EQ(AfterBaseline({}, Direction::kNeither, 12).assurance, Assurance::kNone);
  EXPECT_EQ(AfterBaseline({}, Direction::kHigherIsBetter).assurance, Assurance::kNone);
}

TEST(SpcTest, BadInputIsRefused) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(ComputeChart(std::vector<double>{1, nan}, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ComputeChart(std::vector<double>{1, INFINITY}, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  for (int fix : {1, -1}) {
    ChartOptions options;
    options.fix_after_points = fix;
    EXPECT_EQ(ComputeChart(Baseline(), options).status().code(), absl::StatusCode::kInvalidArgument)
        << fix;
  }
  ChartOptions negative;
  negative.min_points_for_limits = -1;
  EXPECT_EQ(ComputeChart(Baseline(), negative).status().code(), absl::StatusCode::kInvalidArgument);
  for (std::vector<int> rebase : {std::vector<int>{0}, {16}, {5, 5}, {8, 4}}) {
    ChartOptions options;
    options.rebase_at = rebase;
    EXPECT_EQ(ComputeChart(Baseline(), options).status().code(),
              absl::StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace psc::spc
