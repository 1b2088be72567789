#include "server/registry/kinds/case_study_evidence.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/common/errors.h"
#include "server/registry/fields/names.h"
#include "server/spc/chart_builder.h"
#include "server/spc/points.h"
#include "server/spc/series_ids.h"

namespace psc::registry {
namespace {

absl::Status Precondition(absl::string_view reason, const std::string& path,
                          const std::string& description) {
  return Error(absl::StatusCode::kFailedPrecondition, reason, description,
               {{path + ".evidence_series", description}});
}

std::string Figure(double x) { return absl::StrFormat("%.3g", x); }

}  // namespace

bool IsSeriesOf(const std::string& name, const std::string& initiative) {
  std::pair<std::string, std::string> ids;
  const std::string prefix = absl::StrCat(initiative, "/series/");
  return !initiative.empty() && absl::StartsWith(name, prefix) &&
         spc::SplitSeriesId(name.substr(prefix.size()), &ids);
}

absl::Status DeriveEvidence(const StoredRecordLoader& load, const std::string& path,
                            v1::ImpactMetric* metric) {
  const std::string& name = metric->evidence_series();
  auto series_record = load(name);
  if (!series_record.ok()) return series_record.status();
  auto initiative_record = load(ParentName(name));
  if (!initiative_record.ok()) return initiative_record.status();
  if (*series_record == nullptr || *initiative_record == nullptr) {
    return Precondition("REFERENCE_NOT_FOUND", path, absl::StrCat(name, " does not exist"));
  }
  const auto& series = static_cast<const v1::MeasureSeries&>(**series_record);
  const auto& initiative = static_cast<const v1::Initiative&>(**initiative_record);
  const v1::Measure* measure = spc::FindMeasure(initiative, series.measure());
  if (measure == nullptr) {
    return Precondition(
        "REFERENCE_NOT_FOUND", path,
        absl::StrCat(initiative.name(), " no longer has measure ", series.measure()));
  }
  auto chart = spc::BuildChart(initiative, *measure, {series}, v1::GetMeasureChartRequest());
  if (!chart.ok()) return chart.status();
  const int segments = chart->segments_size();
  if (segments < 2) {
    return Precondition("NO_REBASE", path,
                        absl::StrCat(name,
                                     " has no rebase: mark the period the change took hold "
                                     "(rebase) to compare before and after"));
  }
  const v1::ChartSegment& before = chart->segments(segments - 2);
  const v1::ChartSegment& after = chart->segments(segments - 1);
  v1::EvidenceFigures* e = metric->mutable_evidence();
  e->set_measure_name(measure->name());
  e->set_site_name(series.site_name().empty() ? series.site() : series.site_name());
  e->set_before_mean(before.mean());
  e->set_before_points(before.points());
  e->set_after_mean(after.mean());
  e->set_after_points(after.points());
  *e->mutable_rebased_at() = after.first_period();
  metric->set_before(Figure(before.mean()));
  metric->set_after(Figure(after.mean()));
  metric->set_unit(measure->unit());
  return absl::OkStatus();
}

}  // namespace psc::registry
