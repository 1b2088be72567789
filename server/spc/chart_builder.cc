#include "server/spc/chart_builder.h"

#include <algorithm>
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "server/common/errors.h"
#include "server/common/status_macros.h"
#include "server/spc/points.h"
#include "server/spc/spc.h"

namespace psc::spc {
namespace {

// One period of the chart, from one site or combined over several.
struct PeriodData {
  v1::Date period;
  double value_sum = 0;      // of points given as values
  double numerator_sum = 0;  // of points given as rates
  double denominator_sum = 0;
  int values = 0;  // points given as values
  int rates = 0;   // points given as numerator and denominator
  bool rebase = false;
  int sites = 0;
  std::string annotation;
};

// The period's value: a value (one site's, or counts that add), or the summed numerators over
// the summed denominators.
double Combined(const PeriodData& d, const v1::Measure& measure) {
  if (d.rates == 0) return d.value_sum;
  v1::MeasurePoint rate;
  rate.set_numerator(d.numerator_sum);
  rate.set_denominator(d.denominator_sum);
  return ChartValue(rate, measure);
}

// Why the sites of `series` cannot be charted as one, or OK: rates combine; values only when
// the measure says they add, and never mixed with rates.
absl::Status CheckCombination(const v1::Measure& measure,
                              const std::vector<v1::MeasureSeries>& series,
                              const std::vector<PeriodData>& periods) {
  if (series.size() < 2) return absl::OkStatus();
  bool values = false, rates = false;
  for (const PeriodData& d : periods) {
    values = values || d.values > 0;
    rates = rates || d.rates > 0;
  }
  if (values && rates) {
    return Error(absl::StatusCode::kFailedPrecondition, "SITES_DO_NOT_COMBINE",
                 absl::StrCat("measure ", measure.id(),
                              " has values at some sites and numerators and denominators at "
                              "others: chart one site at a time"));
  }
  if (values && measure.site_combination() != v1::VALUES_ADD) {
    return Error(absl::StatusCode::kFailedPrecondition, "SITES_DO_NOT_COMBINE",
                 absl::StrCat("the sites' values of measure ", measure.id(),
                              " do not add up (it is not a count): chart one site at a time, or "
                              "record numerators and denominators"));
  }
  return absl::OkStatus();
}

spc::Direction DirectionOf(v1::ImprovementDirection d) {
  switch (d) {
    case v1::HIGHER_IS_BETTER:
      return spc::Direction::kHigherIsBetter;
    case v1::LOWER_IS_BETTER:
      return spc::Direction::kLowerIsBetter;
    default:
      return spc::Direction::kNeither;
  }
}

v1::PointType PointTypeOf(spc::PointType t) {
  switch (t) {
    case spc::PointType::kImprovement:
      return v1::SPECIAL_CAUSE_IMPROVEMENT;
    case spc::PointType::kConcern:
      return v1::SPECIAL_CAUSE_CONCERN;
    case spc::PointType::kNeutralHigh:
      return v1::SPECIAL_CAUSE_NEUTRAL_HIGH;
    case spc::PointType::kNeutralLow:
      return v1::SPECIAL_CAUSE_NEUTRAL_LOW;
    case spc::PointType::kCommonCause:
      break;
  }
  return v1::COMMON_CAUSE;
}

v1::VariationIcon VariationOf(spc::Variation v) {
  switch (v) {
    case spc::Variation::kNone:
      return v1::VARIATION_ICON_UNSPECIFIED;
    case spc::Variation::kCommonCause:
      return v1::VARIATION_COMMON_CAUSE;
    case spc::Variation::kImprovementHigh:
      return v1::VARIATION_IMPROVEMENT_HIGH;
    case spc::Variation::kImprovementLow:
      return v1::VARIATION_IMPROVEMENT_LOW;
    case spc::Variation::kConcernHigh:
      return v1::VARIATION_CONCERN_HIGH;
    case spc::Variation::kConcernLow:
      return v1::VARIATION_CONCERN_LOW;
    case spc::Variation::kNeutralHigh:
      return v1::VARIATION_NEUTRAL_HIGH;
    case spc::Variation::kNeutralLow:
      return v1::VARIATION_NEUTRAL_LOW;
  }
  return v1::VARIATION_ICON_UNSPECIFIED;
}

v1::AssuranceIcon AssuranceOf(spc::Assurance a) {
  switch (a) {
    case spc::Assurance::kConsistentlyPassing:
      return v1::ASSURANCE_CONSISTENTLY_PASSING;
    case spc::Assurance::kConsistentlyFailing:
      return v1::ASSURANCE_CONSISTENTLY_FAILING;
    case spc::Assurance::kHitAndMiss:
      return v1::ASSURANCE_HIT_AND_MISS;
    case spc::Assurance::kNone:
      break;
  }
  return v1::ASSURANCE_ICON_UNSPECIFIED;
}

v1::SpecialCauseRule CauseOf(spc::Cause c) {
  switch (c) {
    case spc::Cause::kOutsideLimits:
      return v1::OUTSIDE_LIMITS;
    case spc::Cause::kTrend:
      return v1::TREND;
    case spc::Cause::kTwoOfThree:
      return v1::TWO_OF_THREE;
    case spc::Cause::kShift:
      return v1::SHIFT;
    case spc::Cause::kNone:
      break;
  }
  return v1::SPECIAL_CAUSE_RULE_UNSPECIFIED;
}

v1::NoLimitsReason NoLimitsReasonOf(spc::NoLimits n) {
  switch (n) {
    case spc::NoLimits::kTooFewPoints:
      return v1::TOO_FEW_BASELINE_POINTS;
    case spc::NoLimits::kNoVariation:
      return v1::NO_VARIATION_IN_BASELINE;
    case spc::NoLimits::kNone:
      break;
  }
  return v1::NO_LIMITS_REASON_UNSPECIFIED;
}

// Why a chart has no assurance icon.
v1::NoAssuranceReason NoAssuranceReasonOf(const v1::Measure& measure,
                                          const spc::ChartOptions& options, const spc::Chart& chart,
                                          bool summed_counts) {
  if (chart.points.empty()) return v1::NO_POINTS;
  if (!measure.has_target_value()) return v1::NO_TARGET;
  if (summed_counts) return v1::TARGET_IS_PER_SITE;
  if (options.direction == spc::Direction::kNeither) return v1::NO_IMPROVEMENT_DIRECTION;
  return v1::NO_LIMITS_IN_LAST_SEGMENT;
}

// The periods of `series`, combined per period, in order.
std::vector<PeriodData> Periods(const std::vector<v1::MeasureSeries>& series, bool several) {
  std::map<int, PeriodData> by_period;
  for (const v1::MeasureSeries& s : series) {
    for (const v1::MeasurePoint& p : s.points()) {
      PeriodData& d = by_period[PeriodKey(p.period())];
      d.period = p.period();
      if (p.has_value()) {
        d.value_sum += p.value();
        ++d.values;
      } else {
        d.numerator_sum += p.numerator();
        d.denominator_sum += p.denominator();
        ++d.rates;
      }
      d.rebase = d.rebase || p.rebase();
      ++d.sites;
      if (!p.annotation().empty()) {
        if (!d.annotation.empty()) d.annotation += "; ";
        absl::StrAppend(&d.annotation, several ? absl::StrCat(s.site(), ": ") : "", p.annotation());
      }
    }
  }
  std::vector<PeriodData> out;
  out.reserve(by_period.size());
  for (auto& [key, d] : by_period) out.push_back(std::move(d));
  return out;
}

}  // namespace

absl::StatusOr<v1::MeasureChart> BuildChart(const v1::Initiative& initiative,
                                            const v1::Measure& measure,
                                            const std::vector<v1::MeasureSeries>& series,
                                            const v1::GetMeasureChartRequest& request) {
  const std::vector<PeriodData> periods = Periods(series, series.size() > 1);
  PSC_RETURN_IF_ERROR(CheckCombination(measure, series, periods));
  std::vector<double> values;
  values.reserve(periods.size());
  for (const PeriodData& d : periods) values.push_back(Combined(d, measure));

  v1::MeasureChart out;
  spc::ChartOptions options;
  options.direction = DirectionOf(measure.improvement_direction());
  // A target is per site: several sites' counts summed are not compared with it (rates,
  // combined as numerators over denominators, are).
  const bool summed_counts =
      series.size() > 1 &&
      std::any_of(periods.begin(), periods.end(), [](const PeriodData& d) { return d.values > 0; });
  if (measure.has_target_value() && !summed_counts) options.target = measure.target_value();
  options.screen_moving_ranges = request.screen_moving_ranges();
  options.fix_after_points = request.fix_after_points();
  if (request.min_points_for_limits() < 0) {
    return ValidationError({{"min_points_for_limits", "must be 0 (the default, 13) or more"}});
  }
  if (request.min_points_for_limits() > 0) {
    options.min_points_for_limits = request.min_points_for_limits();
  }
  out.set_min_points_for_limits(options.min_points_for_limits);
  if (options.fix_after_points == 1 || options.fix_after_points < 0) {
    return ValidationError({{"fix_after_points", "must be 0 (no fixing) or at least 2"}});
  }
  std::vector<bool> rebase(periods.size(), false);
  for (size_t i = 0; i < periods.size(); ++i) {
    rebase[i] = periods[i].rebase && !request.ignore_stored_rebases();
  }
  std::vector<FieldViolation> violations;
  for (int k = 0; k < request.rebase_periods_size(); ++k) {
    const int key = PeriodKey(request.rebase_periods(k));
    size_t i = 0;
    while (i < periods.size() && PeriodKey(periods[i].period) != key) ++i;
    if (i == periods.size()) {
      violations.push_back(
          {absl::StrCat("rebase_periods[", k, "]"), "is not a period of the data"});
    } else {
      rebase[i] = true;
    }
  }
  if (!violations.empty()) return ValidationError(violations);
  // A rebase on the first point changes nothing: it starts the only segment there is.
  for (size_t i = 1; i < periods.size(); ++i) {
    if (rebase[i]) options.rebase_at.push_back(static_cast<int>(i));
  }
  auto chart = spc::ComputeChart(values, options);
  if (!chart.ok()) return chart.status();

  out.set_initiative(initiative.name());
  out.set_measure(measure.id());
  out.set_measure_name(measure.name());
  out.set_unit(measure.unit());
  out.set_improvement_direction(measure.improvement_direction());
  if (options.target) out.set_target_value(*options.target);
  for (const v1::MeasureSeries& s : series) out.add_sites(s.site());
  for (size_t i = 0; i < periods.size(); ++i) {
    const spc::Point& p = chart->points[i];
    v1::ChartPoint* cp = out.add_points();
    *cp->mutable_period() = periods[i].period;
    cp->set_value(p.value);
    cp->set_segment(p.segment);
    if (p.moving_range) cp->set_moving_range(*p.moving_range);
    cp->set_moving_range_screened_out(p.moving_range_screened_out);
    cp->set_type(PointTypeOf(p.type));
    if (p.rules.outside_limits) cp->add_rules(v1::OUTSIDE_LIMITS);
    if (p.rules.shift) cp->add_rules(v1::SHIFT);
    if (p.rules.trend) cp->add_rules(v1::TREND);
    if (p.rules.two_of_three) cp->add_rules(v1::TWO_OF_THREE);
    cp->set_cause(CauseOf(p.cause));
    cp->set_annotation(periods[i].annotation);
    cp->set_sites_reporting(periods[i].sites);
  }
  for (const spc::Segment& s : chart->segments) {
    v1::ChartSegment* cs = out.add_segments();
    *cs->mutable_first_period() = periods[s.begin].period;
    cs->set_points(s.end - s.begin);
    cs->set_baseline_points(s.baseline_points);
    cs->set_too_few_points(s.too_few_points);
    cs->set_has_limits(s.has_limits);
    cs->set_no_limits_reason(NoLimitsReasonOf(s.no_limits));
    cs->set_mean(s.mean);
    cs->set_mean_moving_range(s.mean_moving_range);
    cs->set_upper_process_limit(s.upper_limit);
    cs->set_lower_process_limit(s.lower_limit);
    cs->set_upper_near_limit(s.upper_near);
    cs->set_lower_near_limit(s.lower_near);
  }
  out.set_variation(VariationOf(chart->variation));
  out.set_assurance(AssuranceOf(chart->assurance));
  if (out.assurance() == v1::ASSURANCE_ICON_UNSPECIFIED) {
    out.set_no_assurance_reason(NoAssuranceReasonOf(measure, options, *chart, summed_counts));
  }
  return out;
}

}  // namespace psc::spc
