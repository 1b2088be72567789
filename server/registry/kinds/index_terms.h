#pragma once

// Small helpers the kinds share to build index terms and filter-field lists.

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/generated_enum_reflection.h"
#include "server/registry/kinds/record_kind.h"

namespace psc::registry {

// Adds {field, value} unless present already or `value` is empty.
inline void AddTerm(std::vector<Term>* terms, absl::string_view field, absl::string_view value) {
  if (value.empty()) return;
  Term term{std::string(field), std::string(value)};
  for (const Term& t : *terms) {
    if (t == term) return;
  }
  terms->push_back(std::move(term));
}

// Adds the enum value's name (nothing for an unknown value).
template <typename E>
void AddEnumTerm(std::vector<Term>* terms, absl::string_view field, int value) {
  const auto* v = google::protobuf::GetEnumDescriptor<E>()->FindValueByNumber(value);
  if (v != nullptr) AddTerm(terms, field, v->name());
}

// Adds a lowercased free-text value, e.g. a topic.
inline void AddFoldedTerm(std::vector<Term>* terms, absl::string_view field,
                          absl::string_view value) {
  AddTerm(terms, field, absl::AsciiStrToLower(value));
}

// Filters read the field of their own name unless given `sources` (FilterField says how).
template <typename E>
FilterField EnumFilter(std::string name, std::vector<std::string> sources = {}) {
  return FilterField{std::move(name), google::protobuf::GetEnumDescriptor<E>(), false, false,
                     std::move(sources)};
}
inline FilterField BoolFilter(std::string name) {
  return FilterField{std::move(name), nullptr, true};
}
inline FilterField NameFilter(std::string name, std::vector<std::string> sources = {}) {
  return FilterField{std::move(name), nullptr, false, false, std::move(sources)};
}
inline FilterField FoldedFilter(std::string name, std::vector<std::string> sources = {}) {
  return FilterField{std::move(name), nullptr, false, true, std::move(sources)};
}
// A filter whose terms the kind computes in its TermsOf hook.
inline FilterField ComputedFilter(std::string name) {
  FilterField filter{std::move(name)};
  filter.computed = true;
  return filter;
}

}  // namespace psc::registry
