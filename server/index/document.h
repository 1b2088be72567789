#pragma once
// What the search index stores about one record, independent of the record's type. The
// registry maps each kind onto this (RecordKind::SearchDocument in
// server/registry/kinds/record_kind.h).

#include <string>
#include <utility>
#include <vector>

#include "server/common/term.h"

namespace psc::index {

// Free-text fields that queries may name with a prefix (`title:`, `topic:`, `skill:`); text in
// them is also found without the prefix. Any other field name is searched without a prefix.
inline constexpr const char* kPrefixedTextFields[] = {"title", "topic", "skill"};

// Fields that get facet counts, in a fixed order (at most 10: schema::kFacetSlot).
inline constexpr const char* kFacetFields[] = {"kind", "workstream", "collaborative", "skill",
                                               "status"};

// Numeric values have slots 0..kMaxNumberSlot; a query can require a minimum and rank by them.
inline constexpr int kMaxNumberSlot = 63;

struct TextField {
  std::string field;  // "title", "topic", "skill", or anything else for unprefixed text
  std::string text;
  int weight = 1;  // within-document frequency multiplier (title counts more than body)
};

// An exact-match value, used by filters, visibility rules and facets: {"workstream", "LOCAL"}.
using Term = ::psc::Term;

struct Document {
  std::string id;  // unique: the resource name
  std::string title;
  std::string snippet_source;  // the text snippets are cut from
  std::vector<TextField> text;
  std::vector<Term> terms;  // include {"kind", ...}; facet fields among them are counted
  std::vector<std::pair<int, double>> numbers;  // {slot, value}
};

}  // namespace psc::index
