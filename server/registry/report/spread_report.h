#pragma once
// Spread candidates (measure.proto, SpreadReport): which initiatives show improvement at
// several sites, which stopped reporting, and how much of the active work has data at all.

#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "psc/registry/v1/initiative.pb.h"
#include "psc/registry/v1/measure.pb.h"
#include "server/common/caller.h"
#include "server/registry/records/registry.h"

namespace psc::registry {

// What one initiative's series say for the report, whatever its as_of: its best outcome measure
// (SpreadCandidate, sites empty when no outcome measure has data) and its latest period.
struct InitiativeSpread {
  v1::SpreadCandidate best;
  int latest_key = 0;  // spc::PeriodKey of its latest point; 0 when it has no data
};

// `initiative`'s spread from its series (any order, each with `initiative` as parent). Pure.
InitiativeSpread SpreadOf(const v1::Initiative& initiative,
                          std::vector<const v1::MeasureSeries*> series);

// The report from each initiative (in name order) with its spread (nullptr when it has no
// series), as of `as_of`, data older than `stale_months` months counting as stopped. Pure.
v1::SpreadReport AssembleSpreadReport(
    const std::vector<std::pair<const v1::Initiative*, const InitiativeSpread*>>& initiatives,
    absl::CivilDay as_of, int stale_months);

// Checks a GetSpreadReport request (the caller's role, as_of, stale_months 1..36) and gives its
// as_of (today, UTC, when unset) and stale_months (3 when unset).
absl::StatusOr<std::pair<absl::CivilDay, int>> CheckSpreadRequest(
    const Caller& caller, const v1::GetSpreadReportRequest& request);

// The report over `initiatives` and every series (`series`, any order), as of `as_of`, data
// older than `stale_months` months counting as stopped. Pure; deterministic.
v1::SpreadReport ComputeSpreadReport(const std::vector<v1::Initiative>& initiatives,
                                     const std::vector<v1::MeasureSeries>& series,
                                     absl::CivilDay as_of, int stale_months);

// The report from the registry's records, all from one snapshot. Every role but ATLAS
// (PERMISSION_DENIED); INVALID_ARGUMENT for a bad as_of or stale_months outside 1..36. What pscd
// serves comes from ReportFollower's running state; this full recount is its reference.
absl::StatusOr<v1::SpreadReport> RecountSpreadReport(const Registry& registry, const Caller& caller,
                                                     const v1::GetSpreadReportRequest& request);

}  // namespace psc::registry
