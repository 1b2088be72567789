#pragma once
// Spread candidates (measure.proto, SpreadReport): which initiatives show improvement at
// several sites, which stopped reporting, and how much of the active work has data at all.

#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "psc/registry/v1/initiative.pb.h"
#include "psc/registry/v1/measure.pb.h"
#include "server/common/caller.h"
#include "server/registry/records/registry.h"

namespace psc::registry {

// The report over `initiatives` and every series (`series`, any order), as of `as_of`, data
// older than `stale_months` months counting as stopped. Pure; deterministic.
v1::SpreadReport ComputeSpreadReport(const std::vector<v1::Initiative>& initiatives,
                                     const std::vector<v1::MeasureSeries>& series,
                                     absl::CivilDay as_of, int stale_months);

// The report from the registry's records, all from one snapshot. Every role but ATLAS
// (PERMISSION_DENIED); INVALID_ARGUMENT for a bad as_of or stale_months outside 1..36.
absl::StatusOr<v1::SpreadReport> BuildSpreadReport(const Registry& registry, const Caller& caller,
                                                   const v1::GetSpreadReportRequest& request);

}  // namespace psc::registry
