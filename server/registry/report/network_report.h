#pragma once
// The national oversight report: how much improvement work is shared, measured and
// spread, nationally and per collaborative.

#include <string>

#include "absl/status/statusor.h"
#include "psc/registry/v1/workflow.pb.h"
#include "server/common/caller.h"
#include "server/registry/records/registry.h"

namespace psc::registry {

// The report for `collaborative` (`collaboratives/{id}`), or the national one with a row per
// collaborative when it is empty. Every role but ATLAS (PERMISSION_DENIED); NOT_FOUND for an
// unknown collaborative. Figures are counted from every record of one snapshot
// (workflow.proto, ReportFigures): what pscd serves comes from ReportFollower's running
// totals instead, and this full recount is the reference they are tested against.
absl::StatusOr<v1::NetworkReport> RecountNetworkReport(const Registry& registry,
                                                       const Caller& caller,
                                                       const std::string& collaborative);

}  // namespace psc::registry
