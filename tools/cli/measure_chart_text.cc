#include "tools/cli/measure_chart_text.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "tools/cli/measure_csv.h"
#include "tools/cli/output.h"

namespace psc::cli {
namespace {

namespace v1 = registry::v1;

constexpr int kStripWidth = 41;

std::string Number(double x) { return absl::StrFormat("%.4g", x); }

std::string DirectionText(v1::ImprovementDirection d) {
  switch (d) {
    case v1::HIGHER_IS_BETTER:
      return "higher is better";
    case v1::LOWER_IS_BETTER:
      return "lower is better";
    default:
      return "no improvement direction";
  }
}

// One character per point type, for the strip.
char Marker(v1::PointType type) {
  switch (type) {
    case v1::SPECIAL_CAUSE_IMPROVEMENT:
      return '+';
    case v1::SPECIAL_CAUSE_CONCERN:
      return '!';
    case v1::SPECIAL_CAUSE_NEUTRAL_HIGH:
      return '^';
    case v1::SPECIAL_CAUSE_NEUTRAL_LOW:
      return 'v';
    default:
      return 'o';
  }
}

std::string TypeText(v1::PointType type) {
  switch (type) {
    case v1::SPECIAL_CAUSE_IMPROVEMENT:
      return "improvement";
    case v1::SPECIAL_CAUSE_CONCERN:
      return "concern";
    case v1::SPECIAL_CAUSE_NEUTRAL_HIGH:
      return "neutral high";
    case v1::SPECIAL_CAUSE_NEUTRAL_LOW:
      return "neutral low";
    default:
      return "common cause";
  }
}

std::string RuleText(int rule) {
  switch (rule) {
    case v1::OUTSIDE_LIMITS:
      return "outside limits";
    case v1::SHIFT:
      return "shift";
    case v1::TREND:
      return "trend";
    case v1::TWO_OF_THREE:
      return "2 of 3 near a limit";
    default:
      return "";
  }
}

// "trend (also shift)": the rule that labels the point, then the others it is part of.
std::string RulesText(const v1::ChartPoint& p) {
  std::vector<std::string> others;
  for (int r : p.rules()) {
    if (r != p.cause()) others.push_back(RuleText(r));
  }
  std::string text = RuleText(p.cause());
  if (!others.empty()) absl::StrAppend(&text, " (also ", absl::StrJoin(others, ", "), ")");
  return text;
}

std::string NoLimitsText(v1::NoLimitsReason reason) {
  switch (reason) {
    case v1::NO_VARIATION_IN_BASELINE:
      return "no limits: no variation in the baseline";
    case v1::TOO_FEW_BASELINE_POINTS:
      return "no limits: fewer than 2 baseline points";
    default:
      return "no limits";
  }
}

// The strip of one point: its segment's limits as ':', the mean as '|', the target as 'T'
// and the point's marker, on a scale shared by the whole chart.
std::string Strip(const v1::ChartPoint& p, const v1::ChartSegment& s, const v1::MeasureChart& c,
                  double lo, double hi) {
  std::string strip(kStripWidth, ' ');
  auto at = [&](double x) {
    if (hi <= lo) return kStripWidth / 2;
    return std::clamp(static_cast<int>(std::lround((x - lo) / (hi - lo) * (kStripWidth - 1))), 0,
                      kStripWidth - 1);
  };
  if (s.has_limits()) {
    strip[at(s.lower_process_limit())] = ':';
    strip[at(s.upper_process_limit())] = ':';
  }
  strip[at(s.mean())] = '|';
  if (c.has_target_value()) strip[at(c.target_value())] = 'T';
  strip[at(p.value())] = Marker(p.type());
  return strip;
}

}  // namespace

std::string VariationText(v1::VariationIcon icon) {
  switch (icon) {
    case v1::VARIATION_COMMON_CAUSE:
      return "common cause: no significant change";
    case v1::VARIATION_IMPROVEMENT_HIGH:
      return "special cause improvement (high): significantly higher, and higher is better";
    case v1::VARIATION_IMPROVEMENT_LOW:
      return "special cause improvement (low): significantly lower, and lower is better";
    case v1::VARIATION_CONCERN_HIGH:
      return "special cause concern (high): significantly higher, and lower is better";
    case v1::VARIATION_CONCERN_LOW:
      return "special cause concern (low): significantly lower, and higher is better";
    case v1::VARIATION_NEUTRAL_HIGH:
      return "special cause (high): significantly higher; no direction is better";
    case v1::VARIATION_NEUTRAL_LOW:
      return "special cause (low): significantly lower; no direction is better";
    default:
      return "no data";
  }
}

std::string AssuranceText(const v1::MeasureChart& chart) {
  switch (chart.assurance()) {
    case v1::ASSURANCE_CONSISTENTLY_PASSING:
      return "consistently passing: the target is outside the limits on the good side";
    case v1::ASSURANCE_CONSISTENTLY_FAILING:
      return "consistently failing: the target is outside the limits on the bad side; the "
             "process will not meet it without change";
    case v1::ASSURANCE_HIT_AND_MISS:
      return "hit and miss: the target is between the limits; it will be met and missed by "
             "chance";
    default:
      break;
  }
  switch (chart.no_assurance_reason()) {
    case v1::NO_TARGET:
      return "none: the measure has no numeric target";
    case v1::NO_IMPROVEMENT_DIRECTION:
      return "none: the measure has no improvement direction";
    case v1::NO_LIMITS_IN_LAST_SEGMENT:
      return "none: the last segment has no process limits to hold the target against";
    case v1::TARGET_IS_PER_SITE:
      return "none: the target is per site, and these are several sites' counts added up";
    default:
      return "none: no data";
  }
}

void PrintChartText(const v1::MeasureChart& c, std::ostream& out) {
  out << c.measure_name() << " (" << c.measure() << (c.unit().empty() ? "" : ", ") << c.unit()
      << ") of " << c.initiative() << "\n"
      << "  sites      " << (c.sites().empty() ? "none" : absl::StrJoin(c.sites(), ", "))
      << (c.sites_size() > 1 ? " (combined per period)" : "") << "\n"
      << "  direction  " << DirectionText(c.improvement_direction())
      << (c.has_target_value() ? absl::StrCat(", target ", Number(c.target_value())) : "") << "\n"
      << "  variation  " << VariationText(c.variation()) << "\n"
      << "  assurance  " << AssuranceText(c) << "\n";
  if (c.points().empty()) {
    out << "\nNo data yet.\n";
    return;
  }
  out << "\n";
  for (int k = 0; k < c.segments_size(); ++k) {
    const v1::ChartSegment& s = c.segments(k);
    out << "segment " << k + 1 << " from " << PeriodText(s.first_period()) << ": " << s.points()
        << " points, mean " << Number(s.mean());
    if (s.has_limits()) {
      out << ", limits " << Number(s.lower_process_limit()) << " to "
          << Number(s.upper_process_limit());
    } else {
      out << ", " << NoLimitsText(s.no_limits_reason());
    }
    if (s.baseline_points() != s.points()) out << " (fixed after " << s.baseline_points() << ")";
    if (s.too_few_points() && s.has_limits()) {
      out << "; fewer than " << c.min_points_for_limits() << " points: trial limits";
    }
    out << "\n";
  }
  // One scale for every row: the values, the limits and the target.
  double lo = c.points(0).value(), hi = lo;
  for (const v1::ChartPoint& p : c.points()) {
    lo = std::min(lo, p.value());
    hi = std::max(hi, p.value());
  }
  for (const v1::ChartSegment& s : c.segments()) {
    if (!s.has_limits()) continue;
    lo = std::min(lo, s.lower_process_limit());
    hi = std::max(hi, s.upper_process_limit());
  }
  if (c.has_target_value()) {
    lo = std::min(lo, c.target_value());
    hi = std::max(hi, c.target_value());
  }
  out << "\n"
      << absl::StrFormat("%-10s %10s  %-*s  %s\n", "PERIOD", "VALUE", kStripWidth,
                         absl::StrCat(Number(lo), " .. ", Number(hi)), "TYPE / RULES");
  for (const v1::ChartPoint& p : c.points()) {
    const v1::ChartSegment& s = c.segments(p.segment());
    std::string type = TypeText(p.type());
    if (p.rules_size() > 0) absl::StrAppend(&type, ": ", RulesText(p));
    out << absl::StrFormat("%-10s %10s  %s  %s", PeriodText(p.period()), Number(p.value()),
                           Strip(p, s, c, lo, hi), type);
    if (!p.annotation().empty()) out << "  \"" << p.annotation() << "\"";
    out << "\n";
  }
  out << "\nKey: o common cause, + improvement, ! concern, ^ v neutral high/low; | mean, "
         ": process limits, T target.\n";
}

void PrintChartCsv(const v1::MeasureChart& c, std::ostream& out) {
  std::vector<std::vector<std::string>> rows;
  for (const v1::ChartPoint& p : c.points()) {
    const v1::ChartSegment& s = c.segments(p.segment());
    rows.push_back(
        {PeriodText(p.period()), absl::StrCat(p.value()), absl::StrCat(p.segment() + 1),
         absl::StrCat(s.mean()), s.has_limits() ? absl::StrCat(s.lower_process_limit()) : "",
         s.has_limits() ? absl::StrCat(s.upper_process_limit()) : "",
         p.has_moving_range() ? absl::StrCat(p.moving_range()) : "", v1::PointType_Name(p.type()),
         RulesText(p), absl::StrCat(p.sites_reporting()), p.annotation()});
  }
  PrintCells({"period", "value", "segment", "mean", "lower_process_limit", "upper_process_limit",
              "moving_range", "type", "rules", "sites_reporting", "annotation"},
             rows, out, OutputFormat::kCsv);
}

}  // namespace psc::cli
