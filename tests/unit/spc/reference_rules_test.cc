// The point labels of NHSRplotthedots, the NHS-R reference implementation of Making Data Count
// charts (github.com/nhs-r-community/NHSRplotthedots, v0.2.0), table-driven: each case gives a
// series and the label the reference's ptd_special_cause_type() (R/ptd_calculate_point_type.R)
// gives each point, in the reference's own words. Its precedence: "Above UCL"/"Below LCL", else
// "7 Point Trend (Increasing|Decreasing)", else "2 in 3 Above|Below CL", else "7 Points
// Above|Below CL", else "Common Cause"; its point type then follows from the words "Above" or
// "Increasing" (high) and "Below" or "Decreasing" (low) and the improvement direction
// (ptd_point_type()).

#include <cctype>
#include <ostream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/spc/spc.h"

namespace psc::spc {
namespace {

// 16 points alternating 7, 5: mean 6, mean moving range 2, limits 0.68 .. 11.32, near lines
// 2.4533 .. 9.5467. Every case follows it with the limits fixed on it (fix_after_n_points = 16).
std::vector<double> Baseline() {
  std::vector<double> v;
  for (int i = 0; i < 8; ++i) v.insert(v.end(), {7, 5});
  return v;
}

// The reference's special_cause_type of a point.
std::string ReferenceLabel(const Point& p) {
  switch (p.cause) {
    case Cause::kOutsideLimits:
      return p.high ? "Above UCL" : "Below LCL";
    case Cause::kTrend:
      return p.high ? "7 Point Trend (Increasing)" : "7 Point Trend (Decreasing)";
    case Cause::kTwoOfThree:
      return p.high ? "2 in 3 Above CL" : "2 in 3 Below CL";
    case Cause::kShift:
      return p.high ? "7 Points Above CL" : "7 Points Below CL";
    case Cause::kNone:
      break;
  }
  return "Common Cause";
}

const char* const kUp = "7 Point Trend (Increasing)";
const char* const kDown = "7 Point Trend (Decreasing)";
const char* const kCommon = "Common Cause";

struct Case {
  const char* name;
  std::vector<double> tail;         // after the baseline
  std::vector<std::string> labels;  // of the tail's points
  Direction direction;              // for `types`
  std::vector<PointType> types;     // of the tail's points; empty: not checked
};

void PrintTo(const Case& c, std::ostream* out) { *out << c.name; }

class ReferenceRulesTest : public ::testing::TestWithParam<Case> {};

TEST_P(ReferenceRulesTest, LabelsEachPointAsTheReferenceDoes) {
  const Case& c = GetParam();
  std::vector<double> values = Baseline();
  values.insert(values.end(), c.tail.begin(), c.tail.end());
  ChartOptions options;
  options.direction = c.direction;
  options.fix_after_points = 16;
  absl::StatusOr<Chart> chart = ComputeChart(values, options);
  ASSERT_TRUE(chart.ok()) << chart.status();
  // The baseline's last point (5, below the mean) may join a run below the mean that follows.
  for (int i = 0; i < 15; ++i) ASSERT_EQ(ReferenceLabel(chart->points[i]), kCommon) << i;
  ASSERT_EQ(c.labels.size(), c.tail.size());
  for (size_t i = 0; i < c.tail.size(); ++i) {
    EXPECT_EQ(ReferenceLabel(chart->points[16 + i]), c.labels[i])
        << c.name << ", point " << i << " (" << c.tail[i] << ")";
    if (!c.types.empty()) {
      EXPECT_EQ(chart->points[16 + i].type, c.types[i]) << c.name << ", point " << i;
    }
  }
}

using T = PointType;
constexpr T kImp = T::kImprovement;
constexpr T kCon = T::kConcern;

INSTANTIATE_TEST_SUITE_P(
    Nhsrplotthedots, ReferenceRulesTest,
    ::testing::Values(
        // A rising trend wholly below the mean is also a shift below it; the trend comes
        // first and gives its direction, so higher-is-better makes every point improvement,
        // not concern by its side of the mean.
        Case{"a rising trend below the mean",
             {3, 3.5, 4, 4.5, 5, 5.5, 5.9},
             {kUp, kUp, kUp, kUp, kUp, kUp, kUp},
             Direction::kHigherIsBetter,
             {kImp, kImp, kImp, kImp, kImp, kImp, kImp}},
        // Near the lower limit (2 in 3 below) and rising: the trend wins again.
        Case{"a rising trend through 2 in 3 below",
             {1.0, 1.5, 2.0, 3, 4, 5, 5.5},
             {kUp, kUp, kUp, kUp, kUp, kUp, kUp},
             Direction::kHigherIsBetter,
             {kImp, kImp, kImp, kImp, kImp, kImp, kImp}},
        // Outside the limits comes before the trend the point also ends.
        Case{"a trend ending outside the limits",
             {3, 4, 5, 6.5, 8, 10, 12},
             {kUp, kUp, kUp, kUp, kUp, kUp, "Above UCL"},
             Direction::kLowerIsBetter,
             {kCon, kCon, kCon, kCon, kCon, kCon, kCon}},
        // A falling trend above the mean when lower is better: improvement throughout.
        Case{"a falling trend above the mean",
             {8, 7.5, 7, 6.9, 6.7, 6.5, 6.2},
             {kDown, kDown, kDown, kDown, kDown, kDown, kDown},
             Direction::kLowerIsBetter,
             {kImp, kImp, kImp, kImp, kImp, kImp, kImp}},
        // A peak shared by a rising and a falling trend: the point and the next are both trend
        // points, so the step to the next decides: decreasing.
        Case{"a peak between two trends",
             {2.6, 3, 4, 5, 6.5, 7, 8, 7.5, 7.2, 6.9, 6.6, 6.3, 6.1},
             {kUp, kUp, kUp, kUp, kUp, kUp, kDown, kDown, kDown, kDown, kDown, kDown, kDown},
             Direction::kHigherIsBetter,
             {kImp, kImp, kImp, kImp, kImp, kImp, kCon, kCon, kCon, kCon, kCon, kCon, kCon}},
        // A trough the same way: increasing.
        Case{"a trough between two trends",
             {9, 8.5, 8, 7, 6.5, 5.5, 3, 4, 5, 5.5, 6.5, 7, 8},
             {kDown, kDown, kDown, kDown, kDown, kDown, kUp, kUp, kUp, kUp, kUp, kUp, kUp},
             Direction::kNeither,
             {}},
        // A repeated value breaks a trend: six rising steps with a tie among them are none.
        // (The first 3 is below the baseline's last 5, so the run starts there.)
        Case{"a tie breaks a trend",
             {3, 3.5, 4, 4, 4.5, 5, 5.5},
             {"7 Points Below CL", "7 Points Below CL", "7 Points Below CL", "7 Points Below CL",
              "7 Points Below CL", "7 Points Below CL", "7 Points Below CL"},
             Direction::kHigherIsBetter,
             {kCon, kCon, kCon, kCon, kCon, kCon, kCon}},
        // The reference's ptd_two_in_three() example c(0, 0, 1, 0, 1, 0, 0) on one side: the
        // near points are 2 in 3; all seven above the mean are a shift, which labels the rest.
        Case{"2 in 3 within a shift",
             {6.5, 6.5, 10, 6.5, 10, 6.5, 6.5},
             {"7 Points Above CL", "7 Points Above CL", "2 in 3 Above CL", "7 Points Above CL",
              "2 in 3 Above CL", "7 Points Above CL", "7 Points Above CL"},
             Direction::kLowerIsBetter,
             {kCon, kCon, kCon, kCon, kCon, kCon, kCon}},
        // ptd_part_of_two_in_three()'s example c(1, 0, 0, 1, 1): only the last two are 2 in 3.
        Case{"2 in 3 needs both within three points",
             {10, 6.5, 6.5, 10, 10},
             {kCommon, kCommon, kCommon, "2 in 3 Above CL", "2 in 3 Above CL"},
             Direction::kHigherIsBetter,
             {T::kCommonCause, T::kCommonCause, T::kCommonCause, kImp, kImp}},
        // Opposite sides of the mean (ptd_two_in_three's second test): nothing.
        Case{"2 in 3 needs one side",
             {10, 5, 10},
             {kCommon, kCommon, kCommon},
             Direction::kNeither,
             {}},
        // ptd_seven_point_one_side_mean(c(rep(1, 8), -1)): eight above, then one below.
        Case{"a shift of eight",
             {6.5, 6.5, 6.5, 6.5, 6.5, 6.5, 6.5, 6.5, 5.5},
             {"7 Points Above CL", "7 Points Above CL", "7 Points Above CL", "7 Points Above CL",
              "7 Points Above CL", "7 Points Above CL", "7 Points Above CL", "7 Points Above CL",
              kCommon},
             Direction::kNeither,
             {T::kNeutralHigh, T::kNeutralHigh, T::kNeutralHigh, T::kNeutralHigh, T::kNeutralHigh,
              T::kNeutralHigh, T::kNeutralHigh, T::kNeutralHigh, T::kCommonCause}},
        // Six on one side are not a shift (ptd_seven_point_one_side_mean(rep(1, 6))).
        Case{"six on one side",
             {6.5, 6.5, 6.5, 6.5, 6.5, 6.5},
             {kCommon, kCommon, kCommon, kCommon, kCommon, kCommon},
             Direction::kNeither,
             {}},
        // Below the lower limit within a falling trend: outside first.
        Case{"below the lower limit",
             {9, 8, 7, 5, 4, 3, 0.5},
             {kDown, kDown, kDown, kDown, kDown, kDown, "Below LCL"},
             Direction::kLowerIsBetter,
             {kImp, kImp, kImp, kImp, kImp, kImp, kImp}}),
    [](const ::testing::TestParamInfo<Case>& info) {
      std::string name = info.param.name;
      for (char& ch : name) {
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
      }
      return name;
    });

// Where two rising trends meet at a tie, the step to the next point is 0, which the reference
// calls "Decreasing" (ifelse(sdy == 1, "In", "De")): a point inside a rising trend drawn as
// concern when higher is better. Deliberately not followed: the point keeps its own trend's
// direction (docs/measures.md says so).
TEST(ReferenceDeviationTest, ATieBetweenTwoRisingTrendsStaysIncreasing) {
  std::vector<double> values = Baseline();
  values.insert(values.end(), {3, 3.3, 3.6, 3.9, 4.2, 4.5, 4.8, 4.8, 5, 5.2, 5.4, 5.6, 5.8, 5.9});
  ChartOptions options;
  options.direction = Direction::kHigherIsBetter;
  options.fix_after_points = 16;
  absl::StatusOr<Chart> chart = ComputeChart(values, options);
  ASSERT_TRUE(chart.ok()) << chart.status();
  for (size_t i = 16; i < values.size(); ++i) {
    EXPECT_EQ(ReferenceLabel(chart->points[i]), kUp) << i;
    EXPECT_EQ(chart->points[i].type, PointType::kImprovement) << i;
  }
}

}  // namespace
}  // namespace psc::spc
