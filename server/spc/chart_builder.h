#pragma once
// GetMeasureChart's computation: the chart of a measure from its stored series, one site's or
// every site's summed per period, through spc::ComputeChart. Pure: no storage.

#include <vector>

#include "absl/status/statusor.h"
#include "psc/registry/v1/initiative.pb.h"
#include "psc/registry/v1/measure.pb.h"

namespace psc::spc {

namespace v1 = ::psc::registry::v1;

// The chart of `measure` of `initiative` from `series` (the measure's series to chart: one
// site's, or all sites', by name), with the request's options. INVALID_ARGUMENT
// (VALIDATION_FAILED) for a rebase period that is not a period of the data, or a
// fix_after_points of 1 or below 0. The sequence is left for the caller.
absl::StatusOr<v1::MeasureChart> BuildChart(const v1::Initiative& initiative,
                                            const v1::Measure& measure,
                                            const std::vector<v1::MeasureSeries>& series,
                                            const v1::GetMeasureChartRequest& request);

}  // namespace psc::spc
