#pragma once
// How documents map onto Xapian terms and value slots. Internal to server/index.

#include <iterator>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "server/index/document.h"

namespace psc::index::schema {

// Bump when the mapping changes: an index written with another version is rebuilt.
inline constexpr absl::string_view kVersion = "3";
inline constexpr const char* kVersionKey = "schema_version";
inline constexpr const char* kSequenceKey = "last_sequence";

// Every facet value of a document, one per line, each after its index in kFacetFields (one
// digit): "0initiatives\n1LOCAL\n2collaboratives/wessex". One slot, not one per facet: each
// slot a search reads costs it about a millisecond at 100,000 records.
inline constexpr int kFacetSlot = 0;
static_assert(std::size(kFacetFields) <= 10, "a facet's index is one digit");
inline constexpr int kTitleSlot = 10;
inline constexpr int kIdSlot = 11;
inline constexpr int kFirstNumberSlot = 100;

inline std::string IdTerm(absl::string_view id) { return absl::StrCat("Q", id); }
inline std::string FilterTerm(const Term& term) { return absl::StrCat("XF", term.Encoded()); }
// The Xapian prefix of a prefixed text field, or "" for plain text.
inline std::string TextPrefix(absl::string_view field) {
  if (field == "title") return "S";
  if (field == "topic") return "XTOPIC";
  if (field == "skill") return "XSKILL";
  return "";
}

}  // namespace psc::index::schema
