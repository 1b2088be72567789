#pragma once
// The start-up check of the kind table: what the compiler cannot see about a kind (that its
// spec names fields its message has, that the change feed and exports can carry it, that no
// kind of the API lacks a spec) is checked once, before pscd serves, so that a mistake fails
// with a clear message instead of at the first request.

#include <vector>

#include "absl/status/status.h"
#include "server/registry/kinds/record_kind.h"

namespace psc::registry {

// OK when `kinds` (by default the whole table) is consistent: unique collections; every field
// a spec names exists in its message; each kind's change_field (and record_field, when set) is
// a member of ChangeEvent.after (RegistryRecord.kind) of the kind's type, and every member of
// those oneofs belongs to some kind; visibility and search renames name List fields. Else
// FAILED_PRECONDITION naming the kind and what is wrong.
absl::Status CheckKinds(const std::vector<const RecordKind*>& kinds);
absl::Status CheckKindTable();

}  // namespace psc::registry
