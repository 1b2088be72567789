#include "server/spc/spc.h"

#include <cmath>
#include <cstdlib>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace psc::spc {
namespace {

int Sign(double x) { return (x > 0) - (x < 0); }

absl::Status CheckInput(absl::Span<const double> values, const ChartOptions& options) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      return absl::InvalidArgumentError(absl::StrCat("point ", i, " is not a finite number"));
    }
  }
  if (options.fix_after_points < 0 || options.fix_after_points == 1) {
    return absl::InvalidArgumentError("limits can be fixed after 2 or more points, not 1");
  }
  if (options.min_points_for_limits < 0) {
    return absl::InvalidArgumentError("the points needed for limits cannot be negative");
  }
  int previous = 0;
  for (int at : options.rebase_at) {
    if (at <= previous || at >= static_cast<int>(values.size())) {
      return absl::InvalidArgumentError(
          absl::StrCat("rebase points must be increasing and inside the series (1..",
                       values.size() - 1, "), not ", at));
    }
    previous = at;
  }
  return absl::OkStatus();
}

// Mean, moving ranges and limits of points [begin, end), from its first baseline points.
Segment MakeSegment(absl::Span<const double> values, int begin, int end,
                    const ChartOptions& options, std::vector<Point>& points) {
  Segment s;
  s.begin = begin;
  s.end = end;
  s.baseline_points = end - begin;
  if (options.fix_after_points > 0 && options.fix_after_points < s.baseline_points) {
    s.baseline_points = options.fix_after_points;
  }
  const int baseline_end = begin + s.baseline_points;
  double sum = 0;
  for (int i = begin; i < baseline_end; ++i) sum += values[i];
  s.mean = sum / s.baseline_points;
  for (int i = begin + 1; i < end; ++i)
    points[i].moving_range = std::abs(values[i] - values[i - 1]);
  // NHSRplotthedots counts the whole segment, whatever fix_after_points says
  // (R/ptd_add_short_group_warnings.R).
  s.too_few_points = end - begin < options.min_points_for_limits;
  if (s.baseline_points < 2) {
    s.no_limits = NoLimits::kTooFewPoints;
    return s;
  }

  double range_sum = 0;
  for (int i = begin + 1; i < baseline_end; ++i) range_sum += *points[i].moving_range;
  s.mean_moving_range = range_sum / (s.baseline_points - 1);
  if (options.screen_moving_ranges) {
    // A range is kept only when strictly below the screen (R/ptd_spc_standard.R), so when
    // every range is 0 none is, and the mean of none gives no limits.
    const double screen = kMovingRangeScreenFactor * s.mean_moving_range;
    double kept_sum = 0;
    int kept = 0;
    for (int i = begin + 1; i < baseline_end; ++i) {
      if (*points[i].moving_range < screen) {
        kept_sum += *points[i].moving_range;
        ++kept;
      } else {
        points[i].moving_range_screened_out = true;
      }
    }
    if (kept == 0) {
      s.mean_moving_range = 0;
      s.no_limits = NoLimits::kNoVariation;
      return s;
    }
    s.mean_moving_range = kept_sum / kept;
  }
  s.has_limits = true;
  s.upper_limit = s.mean + kLimitFactor * s.mean_moving_range;
  s.lower_limit = s.mean - kLimitFactor * s.mean_moving_range;
  s.upper_near = s.mean + kNearLimitFactor * s.mean_moving_range;
  s.lower_near = s.mean - kNearLimitFactor * s.mean_moving_range;
  return s;
}

// Marks the shifts: each maximal run of kRunLength or more points on one side of the mean.
void MarkShifts(absl::Span<const double> values, const Segment& s, std::vector<Point>& points) {
  auto side = [&](int i) { return Sign(values[i] - s.mean); };
  int run_start = s.begin;
  for (int i = s.begin + 1; i <= s.end; ++i) {
    if (i < s.end && side(i) == side(run_start)) continue;
    if (side(run_start) != 0 && i - run_start >= kRunLength) {
      for (int j = run_start; j < i; ++j) points[j].rules.shift = true;
    }
    run_start = i;
  }
}

// Marks the trends: kRunLength points, each strictly above (or each strictly below) the one
// before, so a tie breaks a trend.
void MarkTrends(absl::Span<const double> values, const Segment& s, std::vector<Point>& points) {
  auto step = [&](int i) { return Sign(values[i] - values[i - 1]); };  // the step into i
  for (int i = s.begin + kRunLength - 1; i < s.end; ++i) {
    const int way = step(i);
    bool trend = way != 0;
    for (int k = 1; trend && k < kRunLength - 1; ++k) trend = step(i - k) == way;
    if (!trend) continue;
    for (int j = i - kRunLength + 1; j <= i; ++j) points[j].rules.trend = true;
  }
}

// The direction of trend point i, +1 increasing or -1 decreasing: when the next point is a
// trend point too, the step to it decides, otherwise the step from the one before, so a peak
// shared by a rising and a falling trend is decreasing (R/ptd_calculate_point_type.R). Where
// two trends meet at a tie, the reference's deciding step is 0, which it calls decreasing even
// between two rising trends; here the point keeps the direction of its own trend instead.
int TrendDirection(absl::Span<const double> values, const Segment& s,
                   const std::vector<Point>& points, int i) {
  const int from_previous = i > s.begin ? Sign(values[i] - values[i - 1]) : 0;
  if (i + 1 < s.end && points[i + 1].rules.trend) {
    const int to_next = Sign(values[i + 1] - values[i]);
    if (to_next != 0) return to_next;
  }
  return from_previous;
}

// Marks points outside the limits and the two-of-three rule: in any three consecutive points
// all on one side of the mean, those beyond 2/3 of the way to the limit but not outside it,
// when there are at least two of them.
void MarkLimitRules(absl::Span<const double> values, const Segment& s, std::vector<Point>& points) {
  if (!s.has_limits) return;
  for (int i = s.begin; i < s.end; ++i) {
    points[i].rules.outside_limits = values[i] > s.upper_limit || values[i] < s.lower_limit;
  }
  auto side = [&](int i) { return Sign(values[i] - s.mean); };
  auto near = [&](int i) {
    return !points[i].rules.outside_limits &&
           (values[i] > s.upper_near || values[i] < s.lower_near);
  };
  for (int i = s.begin; i + 2 < s.end; ++i) {
    const int first = side(i);
    if (first == 0 || side(i + 1) != first || side(i + 2) != first) continue;
    if (near(i) + near(i + 1) + near(i + 2) < 2) continue;
    for (int j = i; j < i + 3; ++j) {
      if (near(j)) points[j].rules.two_of_three = true;
    }
  }
}

// Labels the point by the first rule that holds, in NHSRplotthedots' precedence (outside the
// limits, a trend, two of three, a shift), takes its direction from that rule alone (a trend's
// way, otherwise its side of the mean), and from that and the measure's direction its type.
void Classify(absl::Span<const double> values, const Segment& s, int i, Direction direction,
              std::vector<Point>& points) {
  Point& p = points[i];
  const bool above = values[i] > s.mean;
  if (p.rules.outside_limits) {
    p.cause = Cause::kOutsideLimits;
    p.high = above;
  } else if (p.rules.trend) {
    p.cause = Cause::kTrend;
    p.high = TrendDirection(values, s, points, i) > 0;
  } else if (p.rules.two_of_three) {
    p.cause = Cause::kTwoOfThree;
    p.high = above;
  } else if (p.rules.shift) {
    p.cause = Cause::kShift;
    p.high = above;
  } else {
    p.cause = Cause::kNone;
    p.type = PointType::kCommonCause;
    return;
  }
  switch (direction) {
    case Direction::kNeither:
      p.type = p.high ? PointType::kNeutralHigh : PointType::kNeutralLow;
      break;
    case Direction::kHigherIsBetter:
      p.type = p.high ? PointType::kImprovement : PointType::kConcern;
      break;
    case Direction::kLowerIsBetter:
      p.type = p.high ? PointType::kConcern : PointType::kImprovement;
      break;
  }
}

Variation VariationOf(const Point& latest) {
  switch (latest.type) {
    case PointType::kCommonCause:
      return Variation::kCommonCause;
    case PointType::kImprovement:
      return latest.high ? Variation::kImprovementHigh : Variation::kImprovementLow;
    case PointType::kConcern:
      return latest.high ? Variation::kConcernHigh : Variation::kConcernLow;
    case PointType::kNeutralHigh:
      return Variation::kNeutralHigh;
    case PointType::kNeutralLow:
      return Variation::kNeutralLow;
  }
  return Variation::kNone;
}

Assurance AssuranceOf(const Segment& latest, const ChartOptions& options) {
  if (!options.target || options.direction == Direction::kNeither || !latest.has_limits) {
    return Assurance::kNone;
  }
  const bool higher_is_better = options.direction == Direction::kHigherIsBetter;
  if (*options.target > latest.upper_limit) {
    return higher_is_better ? Assurance::kConsistentlyFailing : Assurance::kConsistentlyPassing;
  }
  if (*options.target < latest.lower_limit) {
    return higher_is_better ? Assurance::kConsistentlyPassing : Assurance::kConsistentlyFailing;
  }
  return Assurance::kHitAndMiss;
}

}  // namespace

absl::StatusOr<Chart> ComputeChart(absl::Span<const double> values, const ChartOptions& options) {
  if (absl::Status checked = CheckInput(values, options); !checked.ok()) return checked;
  Chart chart;
  if (values.empty()) return chart;
  chart.points.resize(values.size());
  std::vector<int> starts = {0};
  starts.insert(starts.end(), options.rebase_at.begin(), options.rebase_at.end());
  starts.push_back(static_cast<int>(values.size()));
  for (size_t k = 0; k + 1 < starts.size(); ++k) {
    const Segment s = MakeSegment(values, starts[k], starts[k + 1], options, chart.points);
    MarkShifts(values, s, chart.points);
    MarkTrends(values, s, chart.points);
    MarkLimitRules(values, s, chart.points);
    for (int i = s.begin; i < s.end; ++i) {
      chart.points[i].value = values[i];
      chart.points[i].segment = static_cast<int>(k);
      Classify(values, s, i, options.direction, chart.points);
    }
    chart.segments.push_back(s);
  }
  chart.variation = VariationOf(chart.points.back());
  chart.assurance = AssuranceOf(chart.segments.back(), options);
  return chart;
}

}  // namespace psc::spc
