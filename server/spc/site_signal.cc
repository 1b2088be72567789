#include "server/spc/site_signal.h"

#include <vector>

#include "server/spc/points.h"
#include "server/spc/spc.h"

namespace psc::spc {

v1::SiteEvidence EvaluateSite(const v1::Measure& measure, const v1::MeasureSeries& series) {
  v1::SiteEvidence e;
  e.set_site(series.site());
  e.set_site_name(series.site_name());
  const int n = series.points_size();
  if (n == 0) return e;
  *e.mutable_latest_period() = series.points(n - 1).period();
  const bool lower_is_better = measure.improvement_direction() == v1::LOWER_IS_BETTER;
  if (n < 2 || (!lower_is_better && measure.improvement_direction() != v1::HIGHER_IS_BETTER)) {
    return e;
  }
  std::vector<double> values;
  int baseline = 0;  // points before the first rebase; 0: all of them
  for (int i = 0; i < n; ++i) {
    values.push_back(ChartValue(series.points(i), measure));
    if (baseline == 0 && i >= 2 && series.points(i).rebase()) baseline = i;
  }
  spc::ChartOptions options;
  options.direction =
      lower_is_better ? spc::Direction::kLowerIsBetter : spc::Direction::kHigherIsBetter;
  options.fix_after_points = baseline;
  auto chart = spc::ComputeChart(values, options);
  if (!chart.ok() || chart->segments.empty()) return e;
  const spc::Segment& base = chart->segments.front();
  int run = 0;
  while (run < n && chart->points[n - 1 - run].type == spc::PointType::kImprovement) ++run;
  double recent = 0;
  for (int i = n - std::max(run, 1); i < n; ++i) recent += values[i];
  recent /= std::max(run, 1);
  e.set_improving(run > 0);
  e.set_baseline_mean(base.mean);
  e.set_recent_mean(recent);
  const double reach = base.upper_limit - base.mean;  // the distance to either limit
  if (reach > 0) {
    e.set_shift((lower_is_better ? base.mean - recent : recent - base.mean) / reach);
  }
  e.set_points_held(run);
  if (run > 0) *e.mutable_since() = series.points(n - run).period();
  return e;
}

bool ShowsImprovement(const v1::Initiative& initiative,
                      const std::vector<v1::MeasureSeries>& series) {
  for (const v1::MeasureSeries& s : series) {
    const v1::Measure* m = FindMeasure(initiative, s.measure());
    if (m != nullptr && m->kind() == v1::OUTCOME && EvaluateSite(*m, s).improving()) return true;
  }
  return false;
}

}  // namespace psc::spc
