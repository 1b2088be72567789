#include "server/registry/measures/batch_merge.h"

#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "server/registry/fields/validator.h"
#include "server/registry/kinds/measure_points.h"
#include "server/spc/points.h"
#include "server/spc/series_ids.h"

namespace psc::registry::measures {
namespace {

std::string Path(int k) { return Indexed("measurements", k); }

}  // namespace

std::vector<FieldViolation> CheckBatch(const v1::BatchUpsertMeasurementsRequest& request) {
  std::vector<FieldViolation> out;
  Validator v(&out);
  const int n = request.measurements_size();
  if (n == 0) v.Fail("measurements", "at least one measurement is required");
  v.Count("measurements", n, kMaxBatchPoints);
  if (n > kMaxBatchPoints) return out;
  absl::flat_hash_map<std::string, int> last_period;  // series id -> index of its last point
  for (int k = 0; k < n; ++k) {
    const v1::Measurement& m = request.measurements(k);
    const std::string path = Path(k);
    if (!spc::IsValidMeasureId(m.measure())) {
      v.Fail(Sub(path, "measure"), m.measure().empty() ? "is required" : "is not a measure id");
    }
    if (!spc::IsValidSiteId(m.site())) {
      v.Fail(Sub(path, "site"),
             m.site().empty() ? "is required"
                              : "must be 1..30 of [a-z0-9-], not starting or ending with '-', "
                                "without \"--\"");
    }
    v.Text(Sub(path, "site_name"), m.site_name(), kMaxSiteName);
    if (!m.has_point()) {
      v.Fail(Sub(path, "point"), "is required");
      continue;
    }
    ValidatePoint(v, Sub(path, "point"), m.point());
    if (!m.point().has_period()) continue;
    auto [it, first] = last_period.try_emplace(spc::SeriesId(m.measure(), m.site()), k);
    if (!first) {
      const v1::Date& before = request.measurements(it->second).point().period();
      if (spc::PeriodKey(m.point().period()) <= spc::PeriodKey(before)) {
        v.Fail(Sub(path, "point.period"),
               absl::StrCat(spc::PeriodKey(m.point().period()) == spc::PeriodKey(before)
                                ? "repeats the period of "
                                : "comes before the period of ",
                            Path(it->second), " (same measure and site): periods must increase"));
      }
      it->second = k;
    }
  }
  return out;
}

std::vector<SeriesBatch> GroupBySeries(const v1::BatchUpsertMeasurementsRequest& request) {
  std::vector<SeriesBatch> groups;
  absl::flat_hash_map<std::string, size_t> index;
  for (int k = 0; k < request.measurements_size(); ++k) {
    const v1::Measurement& m = request.measurements(k);
    auto [it, fresh] = index.try_emplace(spc::SeriesId(m.measure(), m.site()), groups.size());
    if (fresh) groups.push_back({m.measure(), m.site(), {}});
    groups[it->second].indices.push_back(k);
  }
  return groups;
}

std::vector<FieldViolation> CheckMeasures(const v1::BatchUpsertMeasurementsRequest& request,
                                          const v1::Initiative& initiative) {
  std::vector<FieldViolation> out;
  for (int k = 0; k < request.measurements_size(); ++k) {
    const std::string& id = request.measurements(k).measure();
    if (spc::FindMeasure(initiative, id) == nullptr) {
      out.push_back({Sub(Path(k), "measure"),
                     absl::StrCat(initiative.name(), " has no measure with id \"", id, "\"")});
    }
  }
  return out;
}

absl::StatusOr<Merged> MergeSeries(const v1::BatchUpsertMeasurementsRequest& request,
                                   const SeriesBatch& batch, const v1::MeasureSeries* stored,
                                   MergeCounts* counts) {
  Merged merged;
  if (stored != nullptr) merged.series = *stored;
  v1::MeasureSeries& series = merged.series;
  std::vector<v1::MeasurePoint> points(series.points().begin(), series.points().end());
  std::vector<v1::MeasurePoint> result;
  result.reserve(points.size() + batch.indices.size());
  size_t i = 0;
  for (int k : batch.indices) {
    const v1::Measurement& m = request.measurements(k);
    v1::MeasurePoint incoming = m.point();
    incoming.clear_chart_value();
    if (!m.site_name().empty() && m.site_name() != series.site_name()) {
      series.set_site_name(m.site_name());
      merged.changed = true;
    }
    const int key = spc::PeriodKey(incoming.period());
    while (i < points.size() && spc::PeriodKey(points[i].period()) < key)
      result.push_back(points[i++]);
    if (i < points.size() && spc::PeriodKey(points[i].period()) == key) {
      if (google::protobuf::util::MessageDifferencer::Equals(points[i], incoming)) {
        ++counts->unchanged;
      } else {
        ++counts->replaced;
        merged.changed = true;
      }
      ++i;
    } else {
      ++counts->added;
      merged.changed = true;
    }
    result.push_back(std::move(incoming));
  }
  while (i < points.size()) result.push_back(points[i++]);
  if (result.size() > static_cast<size_t>(kMaxSeriesPoints)) {
    return ValidationError(
        {{Path(batch.indices.front()),
          absl::StrCat("the series ", batch.measure, " at ", batch.site, " would hold ",
                       result.size(), " points; a series holds at most ", kMaxSeriesPoints)}});
  }
  series.clear_points();
  for (v1::MeasurePoint& p : result) *series.add_points() = std::move(p);
  if (stored == nullptr) merged.changed = true;
  return merged;
}

}  // namespace psc::registry::measures
