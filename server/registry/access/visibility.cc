#include "server/registry/access/visibility.h"

#include <algorithm>

namespace psc::registry {

Visibility Visibility::For(const Caller& caller, const RecordKind& kind) {
  switch (caller.role) {
    case v1::ADMIN:
    case v1::LEAD:
    case v1::MEMBER:
    case v1::READER:
      return Visibility(kind, true, {});
    case v1::ATLAS:
      if (kind.spec().atlas_reads) return Visibility(kind, true, *kind.spec().atlas_reads);
      return Visibility(kind, false, {});
    default:
      return Visibility(kind, false, {});
  }
}

bool Visibility::Admits(const std::vector<Term>& terms) const {
  if (!readable_) return false;
  return std::all_of(required_.begin(), required_.end(), [&](const Term& t) {
    return std::find(terms.begin(), terms.end(), t) != terms.end();
  });
}

bool Visibility::Admits(const google::protobuf::Message& resource) const {
  if (!readable_) return false;
  return required_.empty() || Admits(kind_->IndexTerms(resource));
}

}  // namespace psc::registry
