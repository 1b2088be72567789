#include "server/registry/kinds/record_kind.h"

#include <algorithm>

#include "server/registry/fields/names.h"
#include "server/registry/fields/resource_fields.h"

namespace psc::registry {

absl::StatusOr<std::string> RecordKind::IdOfName(absl::string_view name,
                                                 absl::string_view field) const {
  if (spec_.parent.empty()) return ParseName(name, spec_.collection, field);
  return ParseChildName(name, spec_.parent, spec_.collection, field);
}

Term RecordKind::SearchTerm(const Term& list_term) const {
  for (const auto& [list_field, search_field] : spec_.search_renames) {
    if (list_term.field == list_field) return Term{search_field, list_term.value};
  }
  return list_term;
}

index::Document RecordKind::SearchDocument(const google::protobuf::Message& resource,
                                           const SearchInputs& inputs) const {
  index::Document document;
  document.id = GetName(resource);
  document.terms.push_back({"kind", spec_.collection});
  for (const Term& term : IndexTerms(resource)) {
    Term carried = SearchTerm(term);
    if (std::find(document.terms.begin(), document.terms.end(), carried) == document.terms.end()) {
      document.terms.push_back(std::move(carried));
    }
  }
  AddSearchContent(resource, inputs, &document);
  return document;
}

}  // namespace psc::registry
