#pragma once
// The rules of one data point and of a series' points, shared by the series kind (every write)
// and BatchUpsertMeasurements (each point of a batch, with its own path).

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "psc/registry/v1/initiative.pb.h"
#include "psc/registry/v1/measure.pb.h"
#include "server/registry/fields/validator.h"

namespace psc::registry::measures {

inline constexpr int kMaxSeriesPoints = 1000;
inline constexpr int kMaxBatchPoints = 1000;
inline constexpr int kMaxSitesPerMeasure = 50;
inline constexpr size_t kMaxAnnotation = 200;
inline constexpr size_t kMaxSiteName = 200;

// A sortable key of a date: yyyymmdd.
inline int PeriodKey(const v1::Date& d) { return d.year() * 10000 + d.month() * 100 + d.day(); }

// Appends violations of `point` (paths under `path`): a real period, exactly one of value or
// numerator with denominator, finite numbers, a denominator greater than 0, the annotation's
// bound.
void ValidatePoint(Validator& v, absl::string_view path, const v1::MeasurePoint& point);

// The value the chart uses: `value`, or numerator / denominator x the measure's multiplier
// (0 meaning 1). Only for a point ValidatePoint accepts.
double ChartValue(const v1::MeasurePoint& point, const v1::Measure& measure);

// The measure of `initiative` whose id is `id`, or nullptr.
const v1::Measure* FindMeasure(const v1::Initiative& initiative, absl::string_view id);

}  // namespace psc::registry::measures
