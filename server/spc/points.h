#pragma once
// Reading a series' points: their order, the value a chart plots, and the measure a series
// belongs to. Pure functions over the API's messages.

#include "absl/strings/string_view.h"
#include "psc/registry/v1/initiative.pb.h"
#include "psc/registry/v1/measure.pb.h"

namespace psc::spc {

namespace v1 = ::psc::registry::v1;

// A sortable key of a date: yyyymmdd.
inline int PeriodKey(const v1::Date& d) { return d.year() * 10000 + d.month() * 100 + d.day(); }

// The value the chart uses: `value`, or numerator / denominator x the measure's multiplier
// (0 meaning 1). Only for a point the series kind accepts (registry/kinds/measure_points.h).
double ChartValue(const v1::MeasurePoint& point, const v1::Measure& measure);

// The measure of `initiative` whose id is `id`, or nullptr.
const v1::Measure* FindMeasure(const v1::Initiative& initiative, absl::string_view id);

}  // namespace psc::spc
