#pragma once

// Statistical process control for a measure's series, exactly as NHS England's "Making Data
// Count" defines it for XmR charts (docs/measures.md). Pure computation over
// values in period order: no storage, no protobuf, so every rule is unit-tested directly.

#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace psc::spc {

// The constants of an XmR chart: process limits at mean ± 2.66 × mean moving range, moving
// ranges screened out at 3.267 × the mean moving range, "near" a limit beyond 2/3 of the way.
inline constexpr double kLimitFactor = 2.66;
inline constexpr double kNearLimitFactor = 2.0 * kLimitFactor / 3.0;
inline constexpr double kMovingRangeScreenFactor = 3.267;
// Making Data Count's rule of thumb: limits from fewer points than this are provisional.
inline constexpr int kMinPointsForLimits = 15;
// Length of a shift (points on one side of the mean) or a trend (each point higher, or each
// lower, than the one before) that is special cause.
inline constexpr int kRunLength = 7;

enum class Direction { kNeither, kHigherIsBetter, kLowerIsBetter };

struct ChartOptions {
  Direction direction = Direction::kNeither;
  std::optional<double> target;
  // Leaves out of the mean moving range every moving range at or above 3.267 × the mean of all.
  bool screen_moving_ranges = false;
  // When > 0, each segment's mean and limits come from its first N points only and are held
  // for the rest. Must not be 1 (one point has no moving range).
  int fix_after_points = 0;
  // Indices of the points that start a new segment (a rebase): strictly increasing, each in
  // 1..size-1. Each segment has its own mean and limits, and no run crosses into the next.
  std::vector<int> rebase_at;
};

// The special-cause rules a point is part of.
struct Rules {
  bool outside_limits = false;  // above the upper or below the lower process limit
  bool shift = false;           // in a run of 7+ on one side of the mean (a point on it breaks)
  bool trend = false;           // in a run of 7+ each strictly higher (or lower): ties break
  bool two_of_three = false;    // 2 of 3 consecutive points on one side, near a limit, not out
  bool any() const { return outside_limits || shift || trend || two_of_three; }
};

enum class PointType { kCommonCause, kImprovement, kConcern, kNeutralHigh, kNeutralLow };

struct Segment {
  int begin = 0;                // index of its first point
  int end = 0;                  // one past its last point
  int baseline_points = 0;      // points the mean and limits come from
  bool has_limits = false;      // false with fewer than 2 baseline points
  bool too_few_points = false;  // baseline_points < kMinPointsForLimits
  double mean = 0;
  double mean_moving_range = 0;
  double upper_limit = 0;
  double lower_limit = 0;
  double upper_near = 0;  // mean ± 2/3 of the way to the limit
  double lower_near = 0;
};

struct Point {
  double value = 0;
  int segment = 0;
  std::optional<double> moving_range;  // none for a segment's first point
  bool moving_range_screened_out = false;
  Rules rules;
  PointType type = PointType::kCommonCause;
  // Which way its special cause points: above the mean, or for a point only in a trend, an
  // increasing trend. Meaningful only when type is not common cause.
  bool high = false;
};

// The variation icon: what the latest point shows.
enum class Variation {
  kNone,  // no points
  kCommonCause,
  kImprovementHigh,
  kImprovementLow,
  kConcernHigh,
  kConcernLow,
  kNeutralHigh,
  kNeutralLow,
};

// The assurance icon: where the target sits against the latest segment's limits.
enum class Assurance {
  kNone,                 // no target, no improvement direction, or no limits
  kConsistentlyPassing,  // both limits are on the good side of the target: every point passes
  kConsistentlyFailing,  // both on the bad side: the process will not reach it by chance
  kHitAndMiss,           // between the limits (or on one): it passes and fails by chance
};

struct Chart {
  std::vector<Point> points;
  std::vector<Segment> segments;
  Variation variation = Variation::kNone;
  Assurance assurance = Assurance::kNone;
};

// Computes the XmR chart of `values` (in period order). InvalidArgument for a non-finite value,
// fix_after_points of 1 or below 0, or rebase points out of order or out of range. An empty
// series gives an empty chart.
absl::StatusOr<Chart> ComputeChart(absl::Span<const double> values, const ChartOptions& options);

}  // namespace psc::spc
