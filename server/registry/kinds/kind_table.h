#pragma once
// The table of kinds: every kind the registry serves, in one list. Lookups by collection and by
// resource name, and the kind lists that error messages show, all come from it.

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "server/registry/kinds/record_kind.h"

namespace psc::registry {

// The top-level kinds, in dependency order (a kind refers only to kinds before it or itself).
const std::vector<const RecordKind*>& AllKinds();
// The child kinds: the workflow kinds (children of initiatives and experts) and measure series
// (children of initiatives).
const std::vector<const RecordKind*>& ChildKinds();
// Every kind: AllKinds() then ChildKinds().
const std::vector<const RecordKind*>& EveryKind();
// The searchable kinds, in table order.
const std::vector<const RecordKind*>& SearchableKinds();

// The kind whose collection is `collection` (any kind), or nullptr.
const RecordKind* KindForCollection(absl::string_view collection);
// The kind of a resource name (`c/{id}` or `p/{id}/c/{id}`), or nullptr.
const RecordKind* KindOfName(absl::string_view name);

// "collaboratives, initiatives, ...": the collections of `kinds`, for error messages.
std::string CollectionList(const std::vector<const RecordKind*>& kinds);

}  // namespace psc::registry
