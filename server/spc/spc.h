#pragma once

// Statistical process control for a measure's series: NHS England's "Making Data Count" XmR
// charts, computed as its reference implementation, the NHS-R package NHSRplotthedots
// (R/ptd_spc_standard.R, R/ptd_calculate_point_type.R, R/ptd_calculate_assurance_type.R),
// does; docs/measures.md states every rule with its source. Pure computation over values in
// period order: no storage, no protobuf, so every rule is unit-tested directly.

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
// A segment of fewer points than this has trial limits, to be revised as points arrive:
// NHSRplotthedots' default (its option ptd_spc.warning_threshold, 13: "n < 12" segments).
inline constexpr int kMinPointsForLimits = 13;
// Length of a shift (points on one side of the mean) or a trend (each point higher, or each
// lower, than the one before) that is special cause.
inline constexpr int kRunLength = 7;

enum class Direction { kNeither, kHigherIsBetter, kLowerIsBetter };

struct ChartOptions {
  Direction direction = Direction::kNeither;
  std::optional<double> target;
  // Keeps in the mean moving range only the moving ranges strictly below 3.267 × the mean of
  // all; when none is kept (every baseline value equal), the segment has no limits.
  bool screen_moving_ranges = false;
  // A segment of fewer points than this (all its points, however many the limits come from)
  // has trial limits: Segment::too_few_points.
  int min_points_for_limits = kMinPointsForLimits;
  // When > 0, each segment's mean and limits come from its first N points only and are held
  // for the rest. Must not be 1 (one point has no moving range).
  int fix_after_points = 0;
  // Indices of the points that start a new segment (a rebase): strictly increasing, each in
  // 1..size-1. Each segment has its own mean and limits, and no run crosses into the next.
  std::vector<int> rebase_at;
};

// The special-cause rules a point is part of. A point may be part of several; the one that
// labels it is its Point::cause.
struct Rules {
  bool outside_limits = false;  // above the upper or below the lower process limit
  bool shift = false;           // in a run of 7+ on one side of the mean (a point on it breaks)
  bool trend = false;           // in a run of 7+ each strictly higher (or lower): ties break
  bool two_of_three = false;    // 2 of 3 consecutive points on one side, near a limit, not out
  bool any() const { return outside_limits || shift || trend || two_of_three; }
};

// The rule that labels a point, by NHSRplotthedots' precedence: outside the limits, else a
// trend, else two of three near a limit, else a shift.
enum class Cause { kNone, kOutsideLimits, kTrend, kTwoOfThree, kShift };

enum class PointType { kCommonCause, kImprovement, kConcern, kNeutralHigh, kNeutralLow };

// Why a segment has no limits.
enum class NoLimits {
  kNone,          // it has limits
  kTooFewPoints,  // fewer than 2 baseline points: no moving range
  kNoVariation,   // screening kept no moving range: every baseline value is equal
};

struct Segment {
  int begin = 0;            // index of its first point
  int end = 0;              // one past its last point
  int baseline_points = 0;  // points the mean and limits come from
  bool has_limits = false;  // see no_limits
  NoLimits no_limits = NoLimits::kNone;
  bool too_few_points = false;  // end - begin < ChartOptions::min_points_for_limits
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
  Cause cause = Cause::kNone;
  PointType type = PointType::kCommonCause;
  // Which way its cause points: for a trend, an increasing one; otherwise above the mean.
  // Meaningful only when cause is not kNone.
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
  // No target, no improvement direction, or a last segment without limits (NHSRplotthedots
  // says "inconsistent" there, comparing with missing limits; with no limits nothing is known).
  kNone,
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
// fix_after_points of 1 or below 0, min_points_for_limits below 0, or rebase points out of
// order or out of range. An empty series gives an empty chart.
absl::StatusOr<Chart> ComputeChart(absl::Span<const double> values, const ChartOptions& options);

}  // namespace psc::spc
