#pragma once

#include <string>
#include <vector>

#include "psc/registry/v1/initiative.pb.h"

namespace psc::registry {

// What an initiative's measurement plan still lacks (docs/api.md): an outcome, a
// process and a balancing measure each with an operational definition, baseline and target,
// and at least one milestone. Empty when the plan is complete.
std::vector<std::string> MeasurementPlanGaps(const v1::Initiative& initiative);

// Sets measurement_plan_status and measurement_plan_gaps from the measures and milestones.
void DeriveMeasurementPlan(v1::Initiative* initiative);

}  // namespace psc::registry
