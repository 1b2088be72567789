#pragma once
// psc-load's measure workloads: initiatives with measured outcome data (for the spread report)
// and one full 1,000-point series (for the chart).

#include <string>

#include "absl/status/statusor.h"
#include "psc/client/registry_client.h"

namespace psc::bench {

// Creates initiative number `n` (ACTIVE, led by `lead`) with 3 outcome measures and 36 monthly
// points at each of 4 sites for each: 432 points in one batch. Every third site shifts down
// halfway, so some initiatives are spread candidates.
absl::Status CreateMeasuredInitiative(client::RegistryClient& client, const std::string& lead,
                                      int n);

// Creates an initiative with one measure holding a 1,000-point series; returns the chart
// request for it.
absl::StatusOr<registry::v1::GetMeasureChartRequest> PrepareFullSeries(
    client::RegistryClient& client, const std::string& lead);

}  // namespace psc::bench
