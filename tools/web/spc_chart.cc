#include "tools/web/spc_chart.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tools/web/display.h"

namespace psc::web {
namespace {

namespace v1 = registry::v1;

// The SVG's coordinates: a 640 x 260 viewBox with room for the axis labels.
constexpr double kWidth = 640, kHeight = 260, kLeft = 56, kRight = 16, kTop = 12, kBottom = 28;

std::string Num(double value) { return absl::StrFormat("%.1f", value); }
std::string Value(double value) { return absl::StrFormat("%.4g", value); }

// "January 2027" for a month (a period on its first day), "7 January 2027" for a week.
std::string PeriodLabel(const v1::Date& period) {
  const std::string month = MonthLabel(period.year(), period.month());
  return period.day() <= 1 ? month : absl::StrCat(period.day(), " ", month);
}

// Making Data Count's colours: improvement blue, concern orange, neutral purple, else grey.
std::string PointClass(v1::PointType type) {
  switch (type) {
    case v1::SPECIAL_CAUSE_IMPROVEMENT:
      return "psc-spc__point--improvement";
    case v1::SPECIAL_CAUSE_CONCERN:
      return "psc-spc__point--concern";
    case v1::SPECIAL_CAUSE_NEUTRAL_HIGH:
    case v1::SPECIAL_CAUSE_NEUTRAL_LOW:
      return "psc-spc__point--neutral";
    default:
      return "psc-spc__point--common";
  }
}

// An icon: a coloured ring with a letter, and what it means in words.
Data Icon(const std::string& css, const std::string& letter, const std::string& meaning) {
  Data icon;
  icon.set("class", css);
  icon.set("letter", letter);
  icon.set("meaning", meaning);
  return icon;
}

Data VariationIcon(v1::VariationIcon variation) {
  switch (variation) {
    case v1::VARIATION_IMPROVEMENT_HIGH:
      return Icon("psc-icon--improvement", "H", "Special cause variation: improvement (higher)");
    case v1::VARIATION_IMPROVEMENT_LOW:
      return Icon("psc-icon--improvement", "L", "Special cause variation: improvement (lower)");
    case v1::VARIATION_CONCERN_HIGH:
      return Icon("psc-icon--concern", "H", "Special cause variation: concern (higher)");
    case v1::VARIATION_CONCERN_LOW:
      return Icon("psc-icon--concern", "L", "Special cause variation: concern (lower)");
    case v1::VARIATION_NEUTRAL_HIGH:
      return Icon("psc-icon--neutral", "H", "Special cause variation: neither (higher)");
    case v1::VARIATION_NEUTRAL_LOW:
      return Icon("psc-icon--neutral", "L", "Special cause variation: neither (lower)");
    default:
      return Icon("psc-icon--common", "~", "Common cause variation: no significant change");
  }
}

Data AssuranceIcon(const v1::MeasureChart& chart) {
  switch (chart.assurance()) {
    case v1::ASSURANCE_CONSISTENTLY_PASSING:
      return Icon("psc-icon--improvement", "P", "Assurance: the target is consistently met");
    case v1::ASSURANCE_CONSISTENTLY_FAILING:
      return Icon("psc-icon--concern", "F", "Assurance: the target is consistently missed");
    case v1::ASSURANCE_HIT_AND_MISS:
      return Icon("psc-icon--common", "?", "Assurance: the target is met and missed at random");
    default:
      break;
  }
  switch (chart.no_assurance_reason()) {
    case v1::NO_IMPROVEMENT_DIRECTION:
      return Icon("psc-icon--none", "-", "No assurance: the measure has no improvement direction");
    case v1::NO_LIMITS_IN_LAST_SEGMENT:
      return Icon("psc-icon--none", "-",
                  "No assurance: the latest segment has no process limits to compare the target "
                  "with");
    case v1::TARGET_IS_PER_SITE:
      return Icon("psc-icon--none", "-",
                  "No assurance: the target is for one site, and this chart adds up every "
                  "site's counts");
    default:
      return Icon("psc-icon--none", "-", "No assurance: the measure has no numeric target");
  }
}

// Why a point is special cause, in words: the rule that labels it.
std::string CauseText(const v1::ChartPoint& point) {
  const bool special = point.type() != v1::COMMON_CAUSE;
  switch (point.cause()) {
    case v1::OUTSIDE_LIMITS:
      return "Outside the process limits";
    case v1::TREND:
      return "Part of a run of 7 rising or falling points";
    case v1::TWO_OF_THREE:
      return "2 of 3 points close to a process limit";
    case v1::SHIFT:
      return "Part of a run of 7 points on one side of the mean";
    default:
      return special ? "Special cause" : "";
  }
}

// What a segment's limits can be trusted for, when not fully.
std::string SegmentNote(const v1::ChartSegment& segment, int min_points) {
  if (segment.no_limits_reason() == v1::NO_VARIATION_IN_BASELINE) {
    return "No process limits: every value of the baseline is the same.";
  }
  if (!segment.has_limits()) return "No process limits: fewer than 2 points.";
  if (segment.too_few_points()) {
    return absl::StrCat("Trial limits: fewer than ", min_points,
                        " points, so they will change as data arrives.");
  }
  return "";
}

}  // namespace

Data SpcChart(const v1::MeasureChart& chart, const std::string& id) {
  // The y range holds every point, limit and the target.
  double low = std::numeric_limits<double>::infinity(), high = -low;
  auto include = [&](double v) {
    low = std::min(low, v);
    high = std::max(high, v);
  };
  for (const v1::ChartPoint& point : chart.points()) include(point.value());
  for (const v1::ChartSegment& segment : chart.segments()) {
    include(segment.mean());
    if (segment.has_limits()) {
      include(segment.upper_process_limit());
      include(segment.lower_process_limit());
    }
  }
  if (chart.has_target_value()) include(chart.target_value());
  if (high - low < 1e-9) {
    low -= 1;
    high += 1;
  }
  const double pad = (high - low) * 0.05;
  low -= pad;
  high += pad;
  const int n = chart.points_size();
  const auto x = [&](double i) {
    return kLeft + (n > 1 ? i / (n - 1) : 0.5) * (kWidth - kLeft - kRight);
  };
  const auto y = [&](double v) {
    return kTop + (high - v) / (high - low) * (kHeight - kTop - kBottom);
  };

  Data data;
  data.set("chart_id", id);
  data.set("title", chart.measure_name());
  SetIfAny(data, "unit", chart.unit());
  data.set("sites", std::to_string(chart.sites_size()));
  std::string line;
  List points, rows;
  for (int i = 0; i < n; ++i) {
    const v1::ChartPoint& point = chart.points(i);
    absl::StrAppend(&line, line.empty() ? "" : " ", Num(x(i)), ",", Num(y(point.value())));
    Data dot;
    dot.set("cx", Num(x(i)));
    dot.set("cy", Num(y(point.value())));
    dot.set("class", PointClass(point.type()));
    points.push_back(dot);
    Data row;
    row.set("period", PeriodLabel(point.period()));
    row.set("value", Value(point.value()));
    row.set("type", EnumLabel(point.type()));
    SetIfAny(row, "cause", CauseText(point));
    rows.push_back(row);
  }
  data.set("line", line);
  data.set("points", points);
  data.set("rows", rows);

  // Each segment's mean and, when it has them, its process limits, over its points.
  List lines;
  int first = 0;
  const auto segment_line = [&](double value, const std::string& css, int from, int to) {
    Data l;
    l.set("x1", Num(x(from)));
    l.set("x2", Num(x(to)));
    l.set("y", Num(y(value)));
    l.set("class", css);
    lines.push_back(l);
  };
  List notes;
  for (const v1::ChartSegment& segment : chart.segments()) {
    if (std::string note = SegmentNote(segment, chart.min_points_for_limits()); !note.empty()) {
      Data d;
      d.set("period", PeriodLabel(segment.first_period()));
      d.set("note", note);
      notes.push_back(d);
    }
    const int last = std::min(n - 1, first + std::max(1, segment.points()) - 1);
    segment_line(segment.mean(), "psc-spc__mean", first, last);
    if (segment.has_limits()) {
      segment_line(segment.upper_process_limit(), "psc-spc__limit", first, last);
      segment_line(segment.lower_process_limit(), "psc-spc__limit", first, last);
    }
    first = last + 1;
  }
  if (chart.has_target_value()) {
    segment_line(chart.target_value(), "psc-spc__target", 0, std::max(0, n - 1));
    data.set("target", Value(chart.target_value()));
  }
  data.set("lines", lines);
  data.set("segment_notes", notes);

  // Axis labels: the range's ends and the first and last periods.
  data.set("y_high", Value(high));
  data.set("y_low", Value(low));
  data.set("y_high_at", Num(y(high) + 4));
  data.set("y_low_at", Num(y(low)));
  data.set("x_axis_at", Num(kHeight - 8));
  data.set("left_at", Num(kLeft));
  data.set("right_at", Num(kWidth - kRight));
  data.set("first_period", PeriodLabel(chart.points(0).period()));
  data.set("last_period", PeriodLabel(chart.points(n - 1).period()));
  data.set("variation", VariationIcon(chart.variation()));
  data.set("assurance", AssuranceIcon(chart));
  return data;
}

}  // namespace psc::web
