#pragma once
// The request and response layout the generic standard-method handlers (standard_methods.h)
// read by field number, checked against registry_service.proto for every top-level kind once
// at start-up: a kind whose RPCs are missing or laid out differently stops pscd with a message
// naming the method and field, instead of failing at the first call.

#include "absl/status/status.h"
#include "server/registry/kinds/record_kind.h"

namespace psc::service {

// OK when psc.registry.v1.Registry has Get{T}, List{Ts}, Create{T}, Update{T} and Delete{T}
// for `kind` (T its message, Ts its collection), laid out as standard_methods.h says; else
// FAILED_PRECONDITION.
absl::Status CheckStandardMethodLayout(const registry::RecordKind& kind);

// CheckStandardMethodLayout for every top-level kind of the table.
absl::Status CheckStandardMethodLayouts();

}  // namespace psc::service
