#pragma once
// Turns discovery requests into index queries: their filters, validated, and the visibility
// rules of the caller's role.

#include <vector>

#include "absl/status/statusor.h"
#include "psc/registry/v1/search.pb.h"
#include "server/common/caller.h"
#include "server/index/query.h"
#include "server/registry/kinds/record_kind.h"

namespace psc::registry {

// The groups of terms of which a record must match one whole group for `caller` to see it:
// one group per kind in `kinds` the caller may read: the kind, and the terms its Visibility
// requires, as search documents carry them.
std::vector<std::vector<index::Term>> VisibleTo(const Caller& caller,
                                                const std::vector<const RecordKind*>& kinds);

// The filters of a Search request. INVALID_ARGUMENT (VALIDATION_FAILED) for an unknown kind or
// enum value; PERMISSION_DENIED (ROLE_NOT_ALLOWED) for a kind the caller may not read.
absl::StatusOr<index::Query> SearchFilters(const Caller& caller, const v1::SearchRequest& request);

// The filters and ranking of a FindExperts request, with the same errors.
absl::StatusOr<index::Query> ExpertFilters(const Caller& caller,
                                           const v1::FindExpertsRequest& request);

}  // namespace psc::registry
