#include "server/registry/kinds/initiative_lifecycle.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/common/errors.h"

namespace psc::registry {

bool IsLegalTransition(v1::InitiativeStatus from, v1::InitiativeStatus to) {
  if (from == to) return true;
  switch (from) {
    case v1::PROPOSED:
      return to == v1::ACTIVE || to == v1::PAUSED || to == v1::STOPPED;
    case v1::ACTIVE:
      return to == v1::SPREADING || to == v1::COMPLETED || to == v1::PAUSED || to == v1::STOPPED;
    case v1::SPREADING:
      return to == v1::COMPLETED || to == v1::PAUSED || to == v1::STOPPED;
    case v1::PAUSED:
      return to == v1::ACTIVE || to == v1::SPREADING || to == v1::STOPPED;
    case v1::COMPLETED:
      return to == v1::SPREADING;
    default:
      return false;
  }
}

absl::Status CheckInitiativeLifecycle(const Caller& caller, const v1::Initiative* before,
                                      const v1::Initiative& after) {
  const bool admin = caller.role == v1::ADMIN;
  const std::string previous_override = before ? before->status_override_reason() : "";
  if (!admin && after.status_override_reason() != previous_override) {
    return Error(absl::StatusCode::kPermissionDenied, "ADMIN_ONLY_FIELD",
                 "status_override_reason: only an admin may record an override");
  }
  if (before != nullptr && !IsLegalTransition(before->status(), after.status())) {
    return Error(
        absl::StatusCode::kFailedPrecondition, "INVALID_TRANSITION",
        absl::StrCat(after.name(), " cannot go from ", v1::InitiativeStatus_Name(before->status()),
                     " to ", v1::InitiativeStatus_Name(after.status())));
  }
  const bool entering_active = (after.status() == v1::ACTIVE || after.status() == v1::SPREADING) &&
                               (before == nullptr || before->status() != after.status());
  if (entering_active && after.measurement_plan_status() != v1::COMPLETE &&
      after.status_override_reason().empty()) {
    return Error(absl::StatusCode::kFailedPrecondition, "MEASUREMENT_PLAN_INCOMPLETE",
                 absl::StrCat(after.name().empty() ? "an initiative" : after.name(), " becomes ",
                              v1::InitiativeStatus_Name(after.status()),
                              " only with a complete measurement plan; it lacks: ",
                              absl::StrJoin(after.measurement_plan_gaps(), "; "),
                              " (or an admin records status_override_reason)"),
                 {{"status", "needs a complete measurement plan"}});
  }
  return absl::OkStatus();
}

}  // namespace psc::registry
