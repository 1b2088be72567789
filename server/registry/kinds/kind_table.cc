#include "server/registry/kinds/kind_table.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "server/registry/fields/names.h"

namespace psc::registry {

const std::vector<const ResourceKind*>& AllKinds() {
  static const auto* kinds =
      new std::vector<const ResourceKind*>{&CollaborativeKind(), &InitiativeKind(),
                                           &CaseStudyKind(), &ExpertKind(), &SharedResourceKind()};
  return *kinds;
}

const std::vector<const ResourceKind*>& ChildKinds() {
  static const auto* kinds = new std::vector<const ResourceKind*>{
      &JoinRequestKind(), &SharingRequestKind(), &MeasureSeriesKind()};
  return *kinds;
}

const std::vector<const ResourceKind*>& EveryKind() {
  static const auto* kinds = [] {
    auto* all = new std::vector<const ResourceKind*>(AllKinds());
    all->insert(all->end(), ChildKinds().begin(), ChildKinds().end());
    return all;
  }();
  return *kinds;
}

const std::vector<const ResourceKind*>& SearchableKinds() {
  static const auto* kinds = [] {
    auto* searchable = new std::vector<const ResourceKind*>;
    for (const ResourceKind* kind : EveryKind()) {
      if (kind->spec().searchable) searchable->push_back(kind);
    }
    return searchable;
  }();
  return *kinds;
}

const ResourceKind* KindForCollection(absl::string_view collection) {
  for (const ResourceKind* kind : EveryKind()) {
    if (kind->collection() == collection) return kind;
  }
  return nullptr;
}

const ResourceKind* KindOfName(absl::string_view name) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() == 4) return KindForCollection(parts[2]);
  return KindForCollection(parts[0]);
}

std::string CollectionList(const std::vector<const ResourceKind*>& kinds) {
  return absl::StrJoin(kinds, ", ", [](std::string* out, const ResourceKind* kind) {
    absl::StrAppend(out, kind->collection());
  });
}

}  // namespace psc::registry
