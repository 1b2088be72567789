#pragma once
// Whether one site's series of a measure shows improvement, for spread candidates and the
// search filter: the series charted with the baseline's limits fixed (the points before its
// first rebase, or all its points), so a sustained shift after an intervention stays visible
// even once the chart is rebased there.

#include <vector>

#include "psc/registry/v1/initiative.pb.h"
#include "psc/registry/v1/measure.pb.h"

namespace psc::spc {

namespace v1 = ::psc::registry::v1;

// The evidence of `series` for `measure`. Not improving for a measure without an improvement
// direction, or a series with fewer than 2 points.
v1::SiteEvidence EvaluateSite(const v1::Measure& measure, const v1::MeasureSeries& series);

// Whether an outcome measure of `initiative` shows improvement at one site or more, given its
// series (any order; others' are ignored). What search's `improving` filter matches.
bool ShowsImprovement(const v1::Initiative& initiative,
                      const std::vector<v1::MeasureSeries>& series);

}  // namespace psc::spc
