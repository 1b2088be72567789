#include "server/registry/resource_kind.h"

namespace psc::registry {

const std::vector<const ResourceKind*>& AllKinds() {
  static const auto* kinds =
      new std::vector<const ResourceKind*>{&CollaborativeKind(), &InitiativeKind(),
                                           &CaseStudyKind(), &ExpertKind(), &SharedResourceKind()};
  return *kinds;
}

const ResourceKind* KindForCollection(absl::string_view collection) {
  for (const ResourceKind* kind : AllKinds()) {
    if (kind->collection() == collection) return kind;
  }
  return nullptr;
}

}  // namespace psc::registry
