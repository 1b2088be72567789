#include "server/registry/kinds/kind_table.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "server/registry/fields/names.h"

namespace psc::registry {

const std::vector<const RecordKind*>& AllKinds() {
  static const auto* kinds =
      new std::vector<const RecordKind*>{&CollaborativeKind(), &InitiativeKind(), &CaseStudyKind(),
                                         &ExpertKind(), &SharedResourceKind()};
  return *kinds;
}

const std::vector<const RecordKind*>& ChildKinds() {
  static const auto* kinds = new std::vector<const RecordKind*>{
      &JoinRequestKind(), &SharingRequestKind(), &MeasureSeriesKind()};
  return *kinds;
}

const std::vector<const RecordKind*>& EveryKind() {
  static const auto* kinds = [] {
    auto* all = new std::vector<const RecordKind*>(AllKinds());
    all->insert(all->end(), ChildKinds().begin(), ChildKinds().end());
    return all;
  }();
  return *kinds;
}

const std::vector<const RecordKind*>& SearchableKinds() {
  static const auto* kinds = [] {
    auto* searchable = new std::vector<const RecordKind*>;
    for (const RecordKind* kind : EveryKind()) {
      if (kind->spec().searchable) searchable->push_back(kind);
    }
    return searchable;
  }();
  return *kinds;
}

const RecordKind* KindForCollection(absl::string_view collection) {
  for (const RecordKind* kind : EveryKind()) {
    if (kind->collection() == collection) return kind;
  }
  return nullptr;
}

const RecordKind* KindOfName(absl::string_view name) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() == 4) return KindForCollection(parts[2]);
  return KindForCollection(parts[0]);
}

std::string CollectionList(const std::vector<const RecordKind*>& kinds) {
  return absl::StrJoin(kinds, ", ", [](std::string* out, const RecordKind* kind) {
    absl::StrAppend(out, kind->collection());
  });
}

}  // namespace psc::registry
