#include "server/registry/kinds/record_kind.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "server/registry/fields/names.h"
#include "server/registry/fields/resource_fields.h"

namespace psc::registry {

absl::StatusOr<std::string> RecordKind::IdOfName(absl::string_view name,
                                                 absl::string_view field) const {
  if (spec_.parent.empty()) return ParseName(name, spec_.collection, field);
  return ParseChildName(name, spec_.parent, spec_.collection, field);
}

namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// Adds {field, value} unless it is there already or `value` is empty.
void AddUnique(std::vector<Term>* terms, const std::string& field, std::string value) {
  if (value.empty()) return;
  Term term{field, std::move(value)};
  if (std::find(terms->begin(), terms->end(), term) == terms->end()) {
    terms->push_back(std::move(term));
  }
}

// The value of `field` (element `index` when repeated) as a List term's value: a string as it
// is (lowercased for a case-insensitive filter), an enum's value name, a bool "true"/"false".
std::string TermValue(const Message& m, const FieldDescriptor* field, int index,
                      const FilterField& filter) {
  const auto* r = m.GetReflection();
  const bool repeated = field->is_repeated();
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string v = repeated ? r->GetRepeatedString(m, field, index) : r->GetString(m, field);
      return filter.case_insensitive ? absl::AsciiStrToLower(v) : v;
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const int number =
          repeated ? r->GetRepeatedEnumValue(m, field, index) : r->GetEnumValue(m, field);
      const auto* value = field->enum_type()->FindValueByNumber(number);
      return value == nullptr ? "" : value->name();
    }
    case FieldDescriptor::CPPTYPE_BOOL:
      return (repeated ? r->GetRepeatedBool(m, field, index) : r->GetBool(m, field)) ? "true"
                                                                                     : "false";
    default:
      return "";  // the start-up check allows no other type
  }
}

// Adds the values at `path` (fields joined by '.') under `m` as terms of `filter`.
void AddSourced(const Message& m, absl::string_view path, const FilterField& filter,
                std::vector<Term>* terms) {
  const size_t dot = path.find('.');
  const FieldDescriptor* field =
      m.GetDescriptor()->FindFieldByName(std::string(path.substr(0, dot)));
  if (field == nullptr) return;  // the start-up check makes this unreachable
  const auto* r = m.GetReflection();
  if (dot != absl::string_view::npos) {
    if (field->is_repeated()) {
      for (int i = 0; i < r->FieldSize(m, field); ++i) {
        AddSourced(r->GetRepeatedMessage(m, field, i), path.substr(dot + 1), filter, terms);
      }
    } else if (r->HasField(m, field)) {
      AddSourced(r->GetMessage(m, field), path.substr(dot + 1), filter, terms);
    }
    return;
  }
  if (!field->is_repeated()) return AddUnique(terms, filter.name, TermValue(m, field, 0, filter));
  for (int i = 0; i < r->FieldSize(m, field); ++i) {
    AddUnique(terms, filter.name, TermValue(m, field, i, filter));
  }
}

}  // namespace

std::vector<Term> RecordKind::SourcedTerms(const Message& resource) const {
  std::vector<Term> terms;
  for (const FilterField& filter : spec_.filters) {
    if (filter.computed) continue;
    if (filter.sources.empty()) {
      AddSourced(resource, filter.name, filter, &terms);
      continue;
    }
    for (const std::string& source : filter.sources) {
      if (source == kParentSource) {
        AddUnique(&terms, filter.name, ParentName(GetName(resource)));
      } else {
        AddSourced(resource, source, filter, &terms);
      }
    }
  }
  return terms;
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
