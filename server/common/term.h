#pragma once
// A (field, value) pair a record is indexed under: the one form that List filters, search
// filters and facets, visibility rules and the change log's record of who could see a
// resource all use, e.g. {"workstream", "LOCAL"}.

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace psc {

struct Term {
  std::string field;
  std::string value;

  bool operator==(const Term&) const = default;

  // "field=value": the text form, stored in the change log (StoredChange.previous_terms) and
  // in the search index. Field names never contain '='.
  std::string Encoded() const { return absl::StrCat(field, "=", value); }
  // The term of an Encoded() text; nullopt when it has no '='.
  static std::optional<Term> Decode(absl::string_view encoded) {
    const size_t eq = encoded.find('=');
    if (eq == absl::string_view::npos) return std::nullopt;
    return Term{std::string(encoded.substr(0, eq)), std::string(encoded.substr(eq + 1))};
  }
};

}  // namespace psc
