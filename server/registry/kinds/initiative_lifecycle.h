#pragma once
// The lifecycle rules of initiatives: which status changes are legal, and that an
// initiative becomes active only with a complete measurement plan unless an admin overrides
// with a recorded reason.

#include "absl/status/status.h"
#include "psc/registry/v1/initiative.pb.h"
#include "server/common/caller.h"

namespace psc::registry {

// Whether `from` may move to `to` (staying put is always legal):
//   PROPOSED  -> ACTIVE, PAUSED, STOPPED
//   ACTIVE    -> SPREADING, COMPLETED, PAUSED, STOPPED
//   SPREADING -> COMPLETED, PAUSED, STOPPED
//   PAUSED    -> ACTIVE, SPREADING, STOPPED
//   COMPLETED -> SPREADING (adopted elsewhere after it finished)
//   STOPPED   -> nothing
bool IsLegalTransition(v1::InitiativeStatus from, v1::InitiativeStatus to);

// Checks a write of `after` (`before` is null on create), after derivation:
// FAILED_PRECONDITION, reason INVALID_TRANSITION, for an illegal status change;
// FAILED_PRECONDITION, reason MEASUREMENT_PLAN_INCOMPLETE, for entering ACTIVE or SPREADING
// with an incomplete plan and no override; PERMISSION_DENIED, reason ADMIN_ONLY_FIELD, when a
// non-admin sets or changes status_override_reason.
absl::Status CheckInitiativeLifecycle(const Caller& caller, const v1::Initiative* before,
                                      const v1::Initiative& after);

}  // namespace psc::registry
