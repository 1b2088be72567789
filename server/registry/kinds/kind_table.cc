#include <vector>

#include "absl/strings/str_split.h"
#include "server/registry/fields/names.h"
#include "server/registry/kinds/resource_kind.h"

namespace psc::registry {

const std::vector<const ResourceKind*>& AllKinds() {
  static const auto* kinds =
      new std::vector<const ResourceKind*>{&CollaborativeKind(), &InitiativeKind(),
                                           &CaseStudyKind(), &ExpertKind(), &SharedResourceKind()};
  return *kinds;
}

const std::vector<const ResourceKind*>& WorkflowKinds() {
  static const auto* kinds =
      new std::vector<const ResourceKind*>{&JoinRequestKind(), &SharingRequestKind()};
  return *kinds;
}

const ResourceKind* KindForCollection(absl::string_view collection) {
  for (const auto* kinds : {&AllKinds(), &WorkflowKinds()}) {
    for (const ResourceKind* kind : *kinds) {
      if (kind->collection() == collection) return kind;
    }
  }
  return nullptr;
}

const ResourceKind* KindOfName(absl::string_view name) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() == 4) return KindForCollection(parts[2]);
  return KindForCollection(parts[0]);
}

absl::StatusOr<std::string> ResourceKind::IdOfName(absl::string_view name,
                                                   absl::string_view field) const {
  return ParseName(name, collection(), field);
}

}  // namespace psc::registry
